/**
 * The sandbox file API of a LocalAgent, replayed against the recordings of a real Mesos 1.12 agent,
 * plus attempts to read outside the sandbox.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalAgent } from '../../../../src/emulator/agent/local-agent.js';
import { FakeMaster, commandTask, waitFor } from './fake-master.js';
import { httpRequest, type RawResponse } from './http-client.js';
import { RECORDED, jsonSkeleton, loadRecording } from './recordings.js';

const HOST = '127.0.0.3';
let workDir: string;
let outside: string;
let master: FakeMaster;
let agent: LocalAgent;
let sandbox: string;
let virtualSandbox: string;

/** The recorded request target with the recorded sandbox and ids replaced by ours. */
function ourTarget(target: string): string {
  const question = target.indexOf('?');
  if (question < 0) return target;
  const query = new URLSearchParams(target.slice(question + 1));
  const path = query.get('path');
  if (path !== null) {
    let rewritten = path;
    for (const recorded of RECORDED.sandboxes) rewritten = rewritten.replace(recorded, sandbox);
    rewritten = rewritten.replace(`/frameworks/${RECORDED.frameworkId}/`, `/frameworks/fw-0000/`);
    query.set('path', rewritten);
  }
  // Keep an unencoded path unencoded, as in the recording.
  const raw = target.includes('?path=/') ? query.toString().replace(/path=[^&]*/, `path=${query.get('path')}`) : query.toString();
  return `${target.slice(0, question)}?${raw}`;
}

async function replay(stem: string): Promise<{ ours: RawResponse; recorded: ReturnType<typeof loadRecording> }> {
  const recorded = loadRecording(stem);
  const ours = await httpRequest(`${agent.endpoint}${ourTarget(recorded.target)}`);
  return { ours, recorded };
}

/** Our header names, minus the `Connection` header Node adds. */
function names(response: RawResponse): string[] {
  return response.headerNames.filter((name) => name !== 'Connection');
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'local-agent-files-'));
  outside = await mkdtemp(join(tmpdir(), 'local-agent-outside-'));
  await writeFile(join(outside, 'secret.txt'), 'top secret\n');
  master = new FakeMaster();
  master.autoAck = true;
  await master.start();
  agent = new LocalAgent({
    hostname: HOST,
    port: 0,
    workDir,
    resources: 'cpus:2;mem:2048;disk:4096;ports:[19998-19999,29998-30000]',
    masterLocator: () => Promise.resolve(master.url),
    registrationBackoffMs: 20,
    statusRetryIntervalMs: 200,
  });
  await agent.start();
  await waitFor(() => agent.id, 5_000, 'registration');
  // The recorded task, plus two symlinks that point out of the sandbox.
  const command = `${RECORDED.command}; ln -s ${outside} escape-dir; ln -s ${outside}/secret.txt escape-file`;
  const launched = await master.launch(commandTask(RECORDED.taskId, command));
  sandbox = (launched.body as { directory: string }).directory;
  virtualSandbox = `/frameworks/fw-0000/executors/${RECORDED.taskId}/runs/latest`;
  await master.waitForUpdate(RECORDED.taskId, 'TASK_FINISHED');
  // A sibling directory whose name extends the sandbox's: a raw string-prefix check would leak it.
  await mkdir(`${sandbox}-sibling`);
  await writeFile(`${sandbox}-sibling/stdout`, 'sibling\n');
});

afterAll(async () => {
  await agent?.stop();
  await master?.stop();
  await rm(workDir, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('/files/read matches a real agent byte for byte', () => {
  it.each([
    '42_files_read_logs_master_log',
    '42_files_read_stdout_noparams',
    '42_files_read_stdout_offset-1',
    '42_files_read_stdout_offset0',
    '42_files_read_stdout_offset3_length4',
    '42_files_read_stdout_past_eof',
    '43_files_read_bad_offset',
    '43_files_read_directory',
    '43_files_read_missing_file',
    '43_files_read_no_path',
    '60_files_read_stdout_after_finish',
    '62_files_read_stdout_at_eof',
    '62_files_read_stdout_length-1',
    '62_files_read_stdout_length0',
    '62_files_read_stdout_offset-2',
    '62_files_read_stdout_offset0_no_length',
    '63_files_read_unencoded_path',
    '63_files_read_virtual_latest_stdout',
  ])('%s', async (stem) => {
    const { ours, recorded } = await replay(stem);
    expect(ours.status).toBe(recorded.status);
    expect(names(ours)).toEqual(recorded.headerNames);
    expect(ours.body.toString('utf8')).toBe(recorded.body.toString('utf8'));
  });

  it('reads stderr with the command executor lines around the task output (42/60 stderr)', async () => {
    for (const stem of ['42_files_read_stderr_offset0', '60_files_read_stderr_after_finish']) {
      const { ours, recorded } = await replay(stem);
      expect(ours.status).toBe(recorded.status);
      expect(names(ours)).toEqual(recorded.headerNames);
      const data = (JSON.parse(ours.body.toString()) as { data: string }).data;
      expect(data).toMatch(/^I\d{4} \d\d:\d\d:\d\d\.\d{6} \d+ exec\.cpp:164\] Version: 1\.12\.0\n/);
      expect(data).toMatch(/executor\.cpp:722\] Starting task probe-task-1\n/);
      expect(data).toMatch(/executor\.cpp:740\] Forked command at \d+\nerr\n/);
      expect(data).toMatch(/executor\.cpp:1041\] Command exited with status 0 \(pid: \d+\)\n/);
    }
  });

  it('answers offset=-1 with the stderr size (42_files_read_stderr_offset-1)', async () => {
    const { ours, recorded } = await replay('42_files_read_stderr_offset-1');
    expect(ours.status).toBe(recorded.status);
    const size = (JSON.parse(ours.body.toString()) as { offset: number }).offset;
    const whole = await httpRequest(`${agent.endpoint}/files/download?path=${encodeURIComponent(`${sandbox}/stderr`)}`);
    expect(ours.body.toString()).toBe(`{"data":"","offset":${whole.body.length}}`);
    expect(size).toBeGreaterThan(0);
  });

  it('reads the agent log through /slave/log (63_files_read_agent_log_virtual)', async () => {
    const { ours, recorded } = await replay('63_files_read_agent_log_virtual');
    expect(ours.status).toBe(recorded.status);
    expect(names(ours)).toEqual(recorded.headerNames);
    expect(jsonSkeleton(ours.body)).toBe(jsonSkeleton(recorded.body));
    expect((JSON.parse(ours.body.toString()) as { offset: number }).offset).toBeGreaterThan(0);
  });

  it('caps a read at 64 KiB and keeps the byte offset exact for multi-byte text', async () => {
    const big = join(sandbox, 'big.log');
    await writeFile(big, 'é'.repeat(40_000)); // 80000 bytes; 65536 cuts no character in half
    const first = await httpRequest(`${agent.endpoint}/files/read?path=${encodeURIComponent(big)}&offset=0&length=100000`);
    const parsed = JSON.parse(first.body.toString()) as { data: string; offset: number };
    expect(Buffer.byteLength(parsed.data)).toBe(65_536);
    const odd = await httpRequest(`${agent.endpoint}/files/read?path=${encodeURIComponent(big)}&offset=1&length=3`);
    // Bytes 1..3 are the second half of one 'é' and a whole one: raw bytes go out unchanged.
    expect(odd.body.subarray(9, 12)).toEqual(Buffer.from('é'.repeat(2)).subarray(1, 4));
  });
});

describe('/files/browse, /files/download, /files/debug', () => {
  it.each(['41_files_browse_sandbox', '60_files_browse_sandbox_after_finish', '63_files_browse_virtual_latest'])(
    '%s lists the sandbox like a real agent',
    async (stem) => {
      const { ours, recorded } = await replay(stem);
      expect(ours.status).toBe(recorded.status);
      expect(names(ours)).toEqual(recorded.headerNames);
      const listing = JSON.parse(ours.body.toString()) as Array<{ path: string; mode: string }>;
      const base = stem.startsWith('63') ? virtualSandbox : sandbox;
      const paths = listing.map((entry) => entry.path);
      expect(paths).toEqual([...paths].sort());
      expect(paths).toEqual(expect.arrayContaining([`${base}/logs`, `${base}/stderr`, `${base}/stdout`]));
      expect(listing.find((entry) => entry.path === `${base}/logs`)?.mode).toBe('drwxr-xr-x');
      expect(listing.find((entry) => entry.path === `${base}/stdout`)?.mode).toBe('-rw-r--r--');
      expect(jsonSkeleton(ours.body)).toBe(jsonSkeleton(recorded.body));
    },
  );

  it('lists a subdirectory (41_files_browse_sandbox_logs)', async () => {
    const { ours, recorded } = await replay('41_files_browse_sandbox_logs');
    expect(ours.status).toBe(recorded.status);
    expect(jsonSkeleton(ours.body)).toBe(jsonSkeleton(recorded.body));
    expect((JSON.parse(ours.body.toString()) as Array<{ path: string; size: number }>)[0]).toMatchObject({
      path: `${sandbox}/logs/master.log`,
      size: 5,
    });
  });

  it('answers an empty 404 for a missing directory (43_files_browse_missing_dir)', async () => {
    const { ours, recorded } = await replay('43_files_browse_missing_dir');
    expect(ours.status).toBe(404);
    expect(names(ours)).toEqual(recorded.headerNames);
    expect(ours.body.length).toBe(0);
  });

  it('downloads stdout as an attachment (44_files_download_stdout)', async () => {
    const { ours, recorded } = await replay('44_files_download_stdout');
    expect(ours.status).toBe(200);
    expect(names(ours)).toEqual(recorded.headerNames);
    expect(ours.headers['content-disposition']).toBe('attachment; filename=stdout');
    expect(ours.headers['content-type']).toBe('application/octet-stream');
    expect(ours.body).toEqual(recorded.body);
  });

  it('maps virtual paths to sandboxes and the agent log (44_files_debug)', async () => {
    const { ours, recorded } = await replay('44_files_debug');
    expect(names(ours)).toEqual(recorded.headerNames);
    const ourMap = JSON.parse(ours.body.toString()) as Record<string, string>;
    const runs = sandbox.slice(0, sandbox.lastIndexOf('/'));
    expect(ourMap).toEqual({
      [virtualSandbox]: sandbox,
      '/slave/log': expect.stringMatching(/mesos-agent\..*\.log\.INFO$/) as unknown as string,
      [sandbox]: sandbox,
      [`${runs}/latest`]: sandbox,
    });
    // Same kinds of keys, in the same (sorted) order as the real agent's.
    const kind = (key: string): string =>
      key.startsWith('/frameworks/') ? 'virtual' : key === '/slave/log' ? 'log' : key.endsWith('/latest') ? 'latest' : 'run';
    expect(Object.keys(ourMap).map(kind)).toEqual(Object.keys(JSON.parse(recorded.body.toString()) as object).map(kind));
  });
});

describe('nothing outside a sandbox is ever served', () => {
  const escapes = (): string[] => [
    '/etc',
    '/etc/passwd',
    '/',
    `${sandbox}/../../../../../../../../etc/passwd`,
    `${virtualSandbox}/../../../../../../../../etc/passwd`,
    `${sandbox}/escape-dir`,
    `${sandbox}/escape-dir/secret.txt`,
    `${sandbox}/escape-file`,
    `${virtualSandbox}/escape-file`,
    `${sandbox}-sibling/stdout`,
    `/slave/log/../../etc/passwd`,
    `${outside}/secret.txt`,
  ];

  it.each(['read', 'browse', 'download'])('/files/%s answers an empty 404', async (endpoint) => {
    for (const path of escapes()) {
      for (const target of [
        `/files/${endpoint}?path=${encodeURIComponent(path)}&offset=0`,
        `/files/${endpoint}?path=${path.replace(/\.\./g, '%2e%2e')}&offset=0`,
      ]) {
        const response = await httpRequest(`${agent.endpoint}${target}`);
        expect({ target, status: response.status }).toEqual({ target, status: 404 });
        expect(response.body.toString()).toBe('');
      }
    }
  });

  it('still serves a path that walks out of and back into the same sandbox', async () => {
    const runId = sandbox.slice(sandbox.lastIndexOf('/') + 1);
    const response = await httpRequest(`${agent.endpoint}/files/read?offset=0&path=${encodeURIComponent(`${sandbox}/../${runId}/stdout`)}`);
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('{"data":"hello\\n","offset":0}');
  });

  it('does not know the removed .json aliases', async () => {
    const response = await httpRequest(`${agent.endpoint}/files/read.json?path=${encodeURIComponent(`${sandbox}/stdout`)}&offset=0`);
    expect(response.status).toBe(404);
  });
});

describe('a symlink inside the sandbox that stays inside', () => {
  it('is followed', async () => {
    await symlink(join(sandbox, 'stdout'), join(sandbox, 'stdout-link'));
    const response = await httpRequest(`${agent.endpoint}/files/read?offset=0&path=${encodeURIComponent(`${virtualSandbox}/stdout-link`)}`);
    expect(response.body.toString()).toBe('{"data":"hello\\n","offset":0}');
  });
});
