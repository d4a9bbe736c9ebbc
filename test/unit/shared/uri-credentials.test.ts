import { describe, expect, it } from 'vitest';
import { findUriCredentials, hasUriCredentials, maskUriCredentials } from '../../../src/shared/uri-credentials.js';

describe('maskUriCredentials', () => {
  it.each([
    ['s3a://AKIAEXAMPLE:wJalr/XUtnFEMI+K7MDENG@bucket/data', 's3a://AKIAEXAMPLE:***@bucket/data'],
    ['zk://bob:p@ss@zk1:2181,zk2:2181/mesos', 'zk://bob:***@zk1:2181,zk2:2181/mesos'],
    ['hdfs://user:1234@nn:8020/alluxio', 'hdfs://user:***@nn:8020/alluxio'],
    ['alluxio.underfs.address=s3a://K:S@b/x and hdfs://u:p@nn/j', 'alluxio.underfs.address=s3a://K:***@b/x and hdfs://u:***@nn/j'],
    ['hdfs://a,hdfs://u:secret@b/x', 'hdfs://a,hdfs://u:***@b/x'],
    ['s3a://b/x?aws_secret_access_key=abc&region=eu', 's3a://b/x?aws_secret_access_key=***&region=eu'],
    ['https://acct.blob.core.windows.net/c?sv=2020&sig=AbC%2Bd', 'https://acct.blob.core.windows.net/c?sv=2020&sig=***'],
    [
      'https://b.s3.amazonaws.com/a.tgz?X-Amz-Credential=AKIA/x&X-Amz-Signature=f00d',
      'https://b.s3.amazonaws.com/a.tgz?X-Amz-Credential=AKIA/x&X-Amz-Signature=***',
    ],
    [
      'https://h/x?token=t0k&password=pw&secret=s&X-Amz-Security-Token=st',
      'https://h/x?token=***&password=***&secret=***&X-Amz-Security-Token=***',
    ],
    ['jdbc:mysql://h/db;user=u;password=pw', 'jdbc:mysql://h/db;user=u;password=***'],
  ])('masks %s', (text, masked) => {
    expect(maskUriCredentials(text)).toBe(masked);
    expect(hasUriCredentials(text)).toBe(true);
  });

  it.each([
    'hdfs://namenode:8020/alluxio',
    'hdfs://nn:8020/dir@2/file',
    's3a://bucket/dir@x/y',
    's3a://AKIAONLYUSER@bucket/x',
    'file:///tmp/a:b@c',
    'zk://zk1:2181/alluxio-mesos?session-timeout=10',
    'https://h/x?token=&sigma=1&keyword=secret',
    'alluxio.master.hostname=m1',
    'user:@host',
  ])('leaves %s alone', (text) => {
    expect(maskUriCredentials(text)).toBe(text);
    expect(hasUriCredentials(text)).toBe(false);
  });

  it('says what it found, in order', () => {
    const text = 's3a://K:S@b/x?sig=1';
    expect(findUriCredentials(text).map((c) => [c.kind, text.slice(c.start, c.end)])).toEqual([
      ['password', 'S'],
      ['parameter', '1'],
    ]);
  });
});

describe('masking twice', () => {
  it('changes nothing more: what follows a masked value stays', () => {
    const once = maskUriCredentials('x (s3a://K:S@b/d?aws_secret_access_key=Q): refused; zk://u:p@h/m');
    expect(once).toBe('x (s3a://K:***@b/d?aws_secret_access_key=***): refused; zk://u:***@h/m');
    expect(maskUriCredentials(once)).toBe(once);
  });
});

describe('long values', () => {
  it('a 20 MB value without credentials is scanned in one pass (no quadratic regular expression)', () => {
    // A long run of scheme characters, of "://", and of parameters without a credential name.
    for (const unit of ['a', 'a://', '&x=1', '?a']) {
      expect(hasUriCredentials(unit.repeat(Math.ceil(20_000_000 / unit.length)))).toBe(false);
    }
  });
});
