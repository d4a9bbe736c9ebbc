import { describe, expect, it } from 'vitest';
import {
  MAX_READ_LENGTH,
  downloadContentType,
  findAttached,
  formatMode,
  isWithin,
  normalizeVirtualPath,
  parseMesosInteger,
  parseReadQuery,
  readWindow,
} from '../../../../src/emulator/agent/files-query.js';

const query = (text: string): URLSearchParams => new URLSearchParams(text);

describe('parseMesosInteger (stout numify)', () => {
  it.each([
    ['0', 0],
    ['-1', -1],
    ['+7', 7],
    ['0x10', 16],
    ['-0X1f', -31],
    ['9223372036854775807', 9223372036854775807],
  ])('accepts %s', (text, value) => {
    expect(parseMesosInteger(text)).toEqual({ ok: true, value });
  });

  it.each(['abc', '', ' 1', '1.5', '1e3', '0x', '9223372036854775808', '--1'])('rejects %j', (text) => {
    expect(parseMesosInteger(text)).toEqual({ ok: false, message: `Failed to convert '${text}' to number` });
  });
});

describe('parseReadQuery', () => {
  it('needs a non-empty path', () => {
    expect(parseReadQuery(query('offset=0'))).toEqual({ ok: false, message: "Expecting 'path=value' in query." });
    expect(parseReadQuery(query('path=&offset=0'))).toEqual({ ok: false, message: "Expecting 'path=value' in query." });
  });

  it('uses the recorded error texts', () => {
    expect(parseReadQuery(query('path=/x&offset=abc'))).toEqual({
      ok: false,
      message: "Failed to parse offset: Failed to convert 'abc' to number.",
    });
    expect(parseReadQuery(query('path=/x&offset=-2'))).toEqual({ ok: false, message: 'Negative offset provided: -2.' });
    expect(parseReadQuery(query('path=/x&length=zz'))).toEqual({
      ok: false,
      message: "Failed to parse length: Failed to convert 'zz' to number.",
    });
    expect(parseReadQuery(query('path=/x&length=-5'))).toEqual({ ok: false, message: 'Negative length provided: -5.' });
  });

  it('checks the offset before the length', () => {
    expect(parseReadQuery(query('path=/x&offset=q&length=r'))).toMatchObject({ message: expect.stringMatching(/^Failed to parse offset/) });
  });

  it('defaults to offset -1 and no length; length -1 means no length', () => {
    expect(parseReadQuery(query('path=/a%2Fb'))).toEqual({
      ok: true,
      value: { path: '/a/b', offset: -1, length: undefined, jsonp: undefined },
    });
    expect(parseReadQuery(query('path=/x&offset=3&length=-1'))).toMatchObject({ value: { offset: 3, length: undefined } });
    expect(parseReadQuery(query('path=/x&offset=3&length=0&jsonp=cb'))).toMatchObject({ value: { length: 0, jsonp: 'cb' } });
  });
});

describe('readWindow', () => {
  it('offset -1 answers the size and reads nothing', () => {
    expect(readWindow(-1, undefined, 535)).toEqual({ start: 0, count: 0, replyOffset: 535 });
    expect(readWindow(-1, 100, 535)).toEqual({ start: 0, count: 0, replyOffset: 535 });
  });

  it('at or past the end reads nothing and echoes the requested offset', () => {
    expect(readWindow(6, 100, 6)).toEqual({ start: 6, count: 0, replyOffset: 6 });
    expect(readWindow(100_000, 100, 6)).toEqual({ start: 100_000, count: 0, replyOffset: 100_000 });
  });

  it('reads the requested slice, or to the end', () => {
    expect(readWindow(3, 4, 6)).toEqual({ start: 3, count: 3, replyOffset: 3 });
    expect(readWindow(0, undefined, 6)).toEqual({ start: 0, count: 6, replyOffset: 0 });
    expect(readWindow(0, 0, 6)).toEqual({ start: 0, count: 0, replyOffset: 0 });
  });

  it('caps every read at 16 pages of 4 KiB', () => {
    expect(MAX_READ_LENGTH).toBe(65_536);
    expect(readWindow(10, undefined, 1_000_000).count).toBe(65_536);
    expect(readWindow(10, 70_000, 1_000_000).count).toBe(65_536);
  });
});

describe('virtual path lookup', () => {
  const attached = new Set(['/frameworks/f/executors/e/runs/latest', '/slave/log', '/work/slaves/S0/frameworks/f/executors/e/runs/c1']);

  it('finds the longest attached prefix and the rest as segments', () => {
    expect(findAttached(attached, '/frameworks/f/executors/e/runs/latest/logs/master.log')).toEqual({
      virtualPath: '/frameworks/f/executors/e/runs/latest',
      suffix: ['logs', 'master.log'],
    });
    expect(findAttached(attached, '/slave/log')).toEqual({ virtualPath: '/slave/log', suffix: [] });
    expect(findAttached(attached, 'file:///slave/log/')).toEqual({ virtualPath: '/slave/log', suffix: [] });
    expect(findAttached(attached, '//frameworks//f/executors/e/runs/latest//stdout')).toEqual({
      virtualPath: '/frameworks/f/executors/e/runs/latest',
      suffix: ['stdout'],
    });
  });

  it('keeps `..` in the suffix for the realpath check instead of resolving it lexically', () => {
    expect(findAttached(attached, '/slave/log/../../etc/passwd')).toEqual({
      virtualPath: '/slave/log',
      suffix: ['..', '..', 'etc', 'passwd'],
    });
  });

  it('matches whole segments only', () => {
    expect(findAttached(attached, '/work/slaves/S0/frameworks/f/executors/e/runs/c1-sibling/stdout')).toBeUndefined();
    expect(findAttached(attached, '/etc')).toBeUndefined();
    expect(findAttached(attached, '/')).toBeUndefined();
    expect(findAttached(attached, 'slave/log')).toBeUndefined();
  });

  it('normalises duplicate and trailing slashes', () => {
    expect(normalizeVirtualPath('/a//b///')).toBe('/a/b');
    expect(normalizeVirtualPath('/')).toBe('/');
  });

  it('checks containment by path segments', () => {
    expect(isWithin('/sb/c1', '/sb/c1')).toBe(true);
    expect(isWithin('/sb/c1', '/sb/c1/logs/x')).toBe(true);
    expect(isWithin('/sb/c1', '/sb/c10/stdout')).toBe(false);
    expect(isWithin('/sb/c1', '/sb')).toBe(false);
  });
});

describe('file metadata', () => {
  it('formats modes like ls -l', () => {
    expect(formatMode(0o100644)).toBe('-rw-r--r--');
    expect(formatMode(0o040755)).toBe('drwxr-xr-x');
    expect(formatMode(0o104755)).toBe('-rwsr-xr-x');
    expect(formatMode(0o041777)).toBe('drwxrwxrwt');
    expect(formatMode(0o041776)).toBe('drwxrwxrwT');
    expect(formatMode(0o120777)).toBe('lrwxrwxrwx');
  });

  it('picks a download Content-Type from the last extension like libprocess', () => {
    expect(downloadContentType('stdout')).toBe('application/octet-stream');
    expect(downloadContentType('notes.txt')).toBe('text/plain');
    expect(downloadContentType('alluxio.tar.gz')).toBe('application/octet-stream');
    expect(downloadContentType('config.xml')).toBe('text/xml');
    expect(downloadContentType('.bashrc')).toBe('application/octet-stream');
  });
});
