import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../../../helpers/cli.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-lc-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Resolves with the first JSON line the process prints. */
function firstJsonLine(stream: NodeJS.ReadableStream): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        stream.off('data', onData);
        try {
          resolve(JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>);
        } catch (error) {
          reject(error);
        }
      }
    };
    stream.on('data', onData);
  });
}

describe('alluxio-mesos local-cluster (binary)', () => {
  it('runs a master and agents on loopback that check-ports can read, and stops on Ctrl-C with 130', async () => {
    const child = startCli([
      'local-cluster',
      '--agents',
      '2',
      '--port',
      '0',
      '--work-dir',
      dir,
      '--json',
      '--resources',
      'cpus:2;mem:4096;ports:[31000-32000]',
      '--resources',
      'cpus:4;mem:8192;ports:[19998-19999,29998-30000]',
    ]);
    try {
      const ready = await firstJsonLine(child.stdout!);
      expect(ready.event).toBe('ready');
      const master = String(ready.master);
      expect(master).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((ready.agents as Array<{ hostname: string }>).map((a) => a.hostname)).toEqual(['127.0.0.2', '127.0.0.3']);

      const check = await runCli([
        'check-ports',
        '--conf-dir',
        path.join(dir, 'conf'),
        '--master',
        master.replace('http://', ''),
        '--json',
      ]);
      const report = JSON.parse(check.stdout) as { agents: Array<{ hostname: string; worker: { ok: boolean } }> };
      const byHost = Object.fromEntries(report.agents.map((a) => [a.hostname, a.worker.ok]));
      expect(byHost).toEqual({ '127.0.0.2': false, '127.0.0.3': true });
      expect(check.exitCode).toBe(0);
    } finally {
      child.kill('SIGINT');
    }
    const result = await child;
    expect(result.exitCode).toBe(130);
  }, 60_000);

  it('a SIGUSR2 while it starts never kills it (ignored with a line); once ready it restarts the master', async () => {
    const child = startCli(['local-cluster', '--agents', '2', '--port', '0', '--work-dir', dir, '--json', '--verbose']);
    let stderr = '';
    let stdout = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const until = async (what: string, predicate: () => boolean): Promise<void> => {
      const deadline = Date.now() + 30_000;
      while (!predicate()) {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`local-cluster ended while waiting for ${what}:\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    try {
      // The master is up, the agents are not yet: the cluster is still starting.
      await until('the master to be elected', () => stderr.includes('Elected as the leading master'));
      child.kill('SIGUSR2');
      await until('ready', () => stdout.includes('"event":"ready"'));
      await until('the signal to be answered', () =>
        /SIGUSR2 (ignored: the local cluster is still starting|: restarting the master)/.test(stderr),
      );
      const early = stderr.includes('SIGUSR2 ignored');
      child.kill('SIGUSR2');
      await until('the restart', () => stderr.includes('the master restarted'));
      if (early) expect(stderr).toContain('Without ZooKeeper the agents do not re-register with it');
    } finally {
      child.kill('SIGINT');
    }
    const result = await child;
    expect(result.exitCode).toBe(130);
  }, 60_000);

  it('writes the stand-in distribution and its tarball', async () => {
    const result = await runCli(['local-cluster', '--write-demo-dist', dir, '--json']);
    expect(result.exitCode).toBe(0);
    const written = JSON.parse(result.stdout) as { home: string; tarball: string; version: string };
    expect(written.home).toBe(path.join(dir, `alluxio-${written.version}`));
    expect((await stat(path.join(written.home, 'libexec', 'alluxio-config.sh'))).isFile()).toBe(true);
    expect((await stat(written.tarball)).size).toBeGreaterThan(1000);
  });

  it('rejects a bad --agents value with exit 2', async () => {
    const result = await runCli(['local-cluster', '--agents', 'many']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error: --agents "many"/);
  });
});
