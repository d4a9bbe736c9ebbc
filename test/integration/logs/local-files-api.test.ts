import { appendFile, mkdir, readFile, writeFile, truncate, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extract } from 'tar';
import { HttpTransport } from '../../../src/mesos/client/http.js';
import { systemClock } from '../../../src/shared/clock.js';
import { endpointNames, parseMesosVersion } from '../../../src/mesos/client/version.js';
import { writeBundle } from '../../../src/logs/bundle.js';
import { selectFiles } from '../../../src/logs/file-selection.js';
import { AgentFilesClient, SandboxFileMissingError } from '../../../src/logs/files-client.js';
import { follow, type FollowEvent } from '../../../src/logs/follow.js';
import { TextLogWriter } from '../../../src/logs/render.js';
import { tailLines } from '../../../src/logs/tail.js';
import { startFilesApiServer, type FilesApiServer } from './files-api-server.js';

describe('logs engine against the local agent files API', () => {
  let agent: FilesApiServer;
  let transport: HttpTransport;
  let client: AgentFilesClient;

  beforeEach(async () => {
    agent = await startFilesApiServer();
    transport = new HttpTransport({ baseUrl: agent.url, timeoutMs: 5000 });
    client = new AgentFilesClient({ transport, endpoints: endpointNames(parseMesosVersion('1.12.0')).agent, label: agent.hostPort });
    await mkdir(join(agent.dir, 'logs'));
    await writeFile(join(agent.dir, 'stdout'), 'hello\n');
    await writeFile(join(agent.dir, 'stderr'), '');
  });

  afterEach(async () => {
    transport.close();
    await agent.close();
  });

  it('selects stdout, stderr and logs/*, and prints them under headers', async () => {
    await writeFile(join(agent.dir, 'logs', 'worker.log'), Array.from({ length: 120 }, (_, i) => `line ${i} ✓`).join('\n') + '\n');
    const files = await selectFiles(client, agent.virtualPath, {});
    expect(files.map((f) => f.name)).toEqual(['stdout', 'stderr', 'logs/worker.log']);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const writer = new TextLogWriter(out, true);
    for (const file of files) writer.write('worker-1', file.name, (await tailLines(client, file.path, 2)).lines);
    expect(Buffer.concat(chunks).toString()).toBe(
      '==> worker-1:stdout <==\nhello\n\n==> worker-1:stderr <==\n\n==> worker-1:logs/worker.log <==\nline 118 ✓\nline 119 ✓\n',
    );
  });

  it('keeps multi-byte characters whole across every 64 KiB read of a real file', async () => {
    const line = '日本語🚀'.repeat(9000); // 117 000 bytes: reads split characters
    await writeFile(join(agent.dir, 'logs', 'big.log'), `${line}\n${line}\n${line}`);
    const result = await tailLines(client, `${agent.virtualPath}/logs/big.log`, 3);
    expect(result.lines.map((l) => l.text)).toEqual([line, line, line]);
  });

  it('follows appends and a truncation on a real file', async () => {
    const path = join(agent.dir, 'logs', 'worker.log');
    await writeFile(path, 'one\ntwo\n');
    const events: FollowEvent[] = [];
    const controller = new AbortController();
    const done = follow(
      [{ task: 'worker-1', file: 'logs/worker.log', files: client, path: `${agent.virtualPath}/logs/worker.log`, offset: 8 }],
      {
        clock: systemClock,
        intervalMs: 20,
        maxIntervalMs: 40,
        signal: controller.signal,
        onEvent: (event) => events.push(event),
      },
    );
    const waitFor = async (predicate: () => boolean): Promise<void> => {
      for (let i = 0; i < 200 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    const lineTexts = (): string[] => events.flatMap((e) => (e.type === 'lines' ? e.lines.map((l) => l.text) : []));
    await appendFile(path, 'three\n');
    await waitFor(() => lineTexts().includes('three'));
    await truncate(path, 0);
    await appendFile(path, 'fresh\n');
    await waitFor(() => lineTexts().includes('fresh'));
    controller.abort();
    expect(await done).toBe('cancelled');
    expect(lineTexts()).toEqual(['three', 'fresh']);
    expect(events.some((e) => e.type === 'truncated')).toBe(true);
  });

  it('reports a missing file and a path escaping the sandbox as missing', async () => {
    await expect(client.size(`${agent.virtualPath}/nope`)).rejects.toBeInstanceOf(SandboxFileMissingError);
    await expect(client.size(`${agent.virtualPath}/../../../../etc/passwd`)).rejects.toBeInstanceOf(SandboxFileMissingError);
  });

  it('bundles the sandbox through /files/download byte for byte', async () => {
    const binary = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) % 256));
    await writeFile(join(agent.dir, 'logs', 'worker.log'), binary);
    const work = await mkdtemp(join(tmpdir(), 'logs-bundle-'));
    try {
      const output = join(work, 'out.tar.gz');
      const result = await writeBundle({ output, tasks: [{ label: 'worker-1', files: client, sandbox: agent.virtualPath }], tmpDir: work });
      expect(result.members.sort()).toEqual(['worker-1/logs/worker.log', 'worker-1/stderr', 'worker-1/stdout']);
      await mkdir(join(work, 'x'));
      await extract({ file: output, cwd: join(work, 'x') });
      expect((await readFile(join(work, 'x', 'worker-1', 'logs', 'worker.log'))).equals(binary)).toBe(true);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
