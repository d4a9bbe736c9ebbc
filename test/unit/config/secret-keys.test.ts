import { describe, expect, it } from 'vitest';
import { isSecretKey, knownKeys } from '../../../src/config/catalog.js';
import { isSecretEnvName, isSecretPropertyKey } from '../../../src/config/secret-keys.js';

describe('isSecretPropertyKey', () => {
  it('flags exactly the catalog keys the catalog marks secret', () => {
    const flagged = knownKeys().filter((key) => isSecretPropertyKey(key));
    expect(flagged).toEqual(knownKeys().filter((key) => isSecretKey(key)));
    expect(flagged).toContain('alluxio.integration.mesos.secret');
  });

  it.each([
    'aws.secretKey',
    'aws.accessKeyId',
    'fs.oss.accessKeySecret',
    'fs.cos.access.key',
    'fs.gcs.secretAccessKey',
    'fs.swift.apikey',
    'fs.swift.password',
    'fs.azure.account.key.acct.blob.core.windows.net',
    'alluxio.master.mount.table.root.option.aws.secretKey',
    'alluxio.security.login.impersonation.password',
    'some.service.auth.token',
  ])('flags the credential key %s', (key) => {
    expect(isSecretPropertyKey(key)).toBe(true);
  });

  it.each([
    'alluxio.integration.mesos.principal',
    'alluxio.master.keytab.file',
    'alluxio.security.authentication.type',
    'alluxio.worker.tieredstore.level0.dirs.quota',
    'alluxio.underfs.address',
  ])('lets %s through', (key) => {
    expect(isSecretPropertyKey(key)).toBe(false);
  });
});

describe('isSecretEnvName', () => {
  it('flags credential-looking variables and lets ordinary ones through', () => {
    for (const name of ['AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'ALLUXIO_MESOS_SECRET', 'GITHUB_TOKEN', 'DB_PASSWORD']) {
      expect(isSecretEnvName(name), name).toBe(true);
    }
    for (const name of ['ALLUXIO_RAM_FOLDER', 'JAVA_HOME', 'TZ', 'ALLUXIO_WORKER_MEMORY_SIZE']) {
      expect(isSecretEnvName(name), name).toBe(false);
    }
  });
});
