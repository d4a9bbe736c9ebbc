/** The pure rules under the transport: redirects, credentials, JSON bodies. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuthorization, describeCredentials } from '../../../../src/mesos/client/credentials.js';
import { loadCredentials } from '../../../../src/context/credentials.js';
import { SECRET_ENV } from '../../../../src/config/secret.js';
import { redirectBase } from '../../../../src/mesos/client/http.js';
import { MesosHttpError, parseJsonBody } from '../../../../src/mesos/client/responses.js';
import { ExitCode, OperationError, UsageError } from '../../../../src/shared/errors.js';

describe('redirectBase', () => {
  it.each([
    // Mesos: a non-leader answers //leader:port + the request path.
    ['http://m2:5050', '/master/state', '//m1:5050/master/state', 'http://m1:5050'],
    ['https://m2:5050', '/api/v1', '//m1:5050/api/v1', 'https://m1:5050'],
    ['http://m2:5050', '/files/read?path=/x&offset=0', '//m1:5050/files/read', 'http://m1:5050'],
    // /master/redirect answers the bare base.
    ['http://m2:5050', '/master/redirect', '//127.0.0.1:5050', 'http://127.0.0.1:5050'],
    ['http://m2:5050', '/master/redirect', '//127.0.0.1:5050/', 'http://127.0.0.1:5050'],
    // A proxy that rewrites Location keeps its prefix.
    ['https://proxy/mesos', '/master/state', '/mesos2/master/state', 'https://proxy/mesos2'],
    ['https://proxy/mesos', '/master/state', 'https://other/x/master/state', 'https://other/x'],
    // A Location that is not base + our path names the leader itself.
    ['http://m2:5050', '/master/state', '//m1:5050/redirect', 'http://m1:5050'],
    ['http://m2:5050', '/master/state', 'http://[::1]:5050/master/state', 'http://[::1]:5050'],
  ])('%s + %s, Location %s -> %s', (base, requestPath, location, expected) => {
    expect(redirectBase(base, requestPath, location)).toBe(expected);
  });
});

describe('credentials', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'alluxio-mesos-cred-'));
    await writeFile(path.join(dir, 'secret'), 'hunter2\n');
    await writeFile(path.join(dir, 'empty'), '\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the secret file (final newline dropped) before the environment', async () => {
    const credentials = await loadCredentials({ principal: 'alluxio', secretFile: 'secret', env: { [SECRET_ENV]: 'fromenv' }, cwd: dir });
    expect(credentials).toEqual({ principal: 'alluxio', secret: 'hunter2', secretSource: `--secret-file ${path.join(dir, 'secret')}` });
  });

  it('falls back to ALLUXIO_MESOS_SECRET', async () => {
    expect(await loadCredentials({ principal: 'alluxio', env: { [SECRET_ENV]: 's' }, cwd: dir })).toEqual({
      principal: 'alluxio',
      secret: 's',
      secretSource: SECRET_ENV,
    });
  });

  it('no principal: no credentials', async () => {
    expect(await loadCredentials({ env: { [SECRET_ENV]: 's' }, cwd: dir })).toBeUndefined();
  });

  it.each([
    [{ principal: 'a' }, /without a secret/],
    [{ secretFile: 'secret' }, /without a principal/],
    [{ principal: 'a', secretFile: 'missing' }, /cannot read --secret-file .*missing: ENOENT/],
    [{ principal: 'a', secretFile: 'empty' }, /is empty/],
    [{ principal: 'a:b', secretFile: 'secret' }, /contains ":"/],
  ])('%j is a usage error', async (input, message) => {
    const error = await loadCredentials({ ...input, env: {}, cwd: dir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.USAGE);
    expect((error as UsageError).message).toMatch(message);
    expect((error as UsageError).message).not.toContain('hunter2');
  });

  it('builds the Basic header and describes what was sent without the secret', () => {
    const credentials = { principal: 'alluxio', secret: 'hunter2', secretSource: SECRET_ENV };
    expect(basicAuthorization(credentials)).toBe(`Basic ${Buffer.from('alluxio:hunter2').toString('base64')}`);
    expect(describeCredentials(credentials)).toBe("principal 'alluxio' (secret from ALLUXIO_MESOS_SECRET)");
    expect(describeCredentials(undefined)).toBe('no credentials');
  });
});

describe('parseJsonBody', () => {
  const answer = (body: string, headers: Record<string, string> = {}) => ({
    url: 'http://m:5050/master/slaves',
    body: Buffer.from(body),
    headers,
  });

  it('parses JSON', () => {
    expect(parseJsonBody(answer('{"slaves":[]}'))).toEqual({ slaves: [] });
  });

  it.each([
    ['', {}, /empty body/],
    ['   ', {}, /empty body/],
    ['{"slaves":[{"id":"S1","hostn', {}, /truncated JSON/],
    ['{"slaves":[{"id":"S1"', {}, /truncated JSON/],
    ['{"slaves":[', {}, /truncated JSON/],
    ['{"slaves":[]}', { 'content-length': '999' }, null],
    ['<html>502 Bad Gateway</html>', { 'content-type': 'text/html' }, /invalid JSON \(Content-Type text\/html\)/],
    ['{"a":1}}', {}, /invalid JSON/],
  ])('%j is an OperationError naming the URL', (body, headers, message) => {
    if (message === null) {
      expect(parseJsonBody(answer(body, headers))).toEqual({ slaves: [] });
      return;
    }
    let error: unknown;
    try {
      parseJsonBody(answer(body, headers));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OperationError);
    expect((error as OperationError).exitCode).toBe(ExitCode.FAILED);
    expect((error as OperationError).message).toMatch(message);
    expect((error as OperationError).message).toContain('http://m:5050/master/slaves');
  });

  it('MesosHttpError carries the status and the first line of the body', () => {
    const error = new MesosHttpError({
      status: 400,
      statusText: 'Bad Request',
      url: 'http://m/api/v1/scheduler',
      body: Buffer.from('Framework cannot be found\nmore'),
    });
    expect(error.message).toBe('http://m/api/v1/scheduler answered 400 Bad Request: Framework cannot be found');
    expect(error.status).toBe(400);
    expect(error.exitCode).toBe(ExitCode.FAILED);
  });
});
