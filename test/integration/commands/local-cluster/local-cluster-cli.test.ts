import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../../../helpers/cli.js';
import { processesUnder } from '../../../helpers/processes.js';
import { FRAMEWORK } from '../../emulator/master/helpers/cluster.js';
import { subscribeFramework } from '../../emulator/master/helpers/scheduler-client.js';

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

  it('rejects --agents past 1000 and --agent-hosts of 0 or more than the agents, with exit 2 and the range', async () => {
    const tooMany = await runCli(['local-cluster', '--agents', '1001']);
    expect(tooMany.exitCode).toBe(2);
    expect(tooMany.stderr).toMatch(/^error: --agents "1001" must be a whole number from 1 to 1000/);
    for (const hosts of ['0', '4']) {
      const result = await runCli(['local-cluster', '--agents', '3', '--agent-hosts', hosts]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^error: --agent-hosts "${hosts}" must be a whole number from 1 to 3`));
    }
  });
});

describe.runIf(process.platform === 'linux')('alluxio-mesos local-cluster: tasks die with it', () => {
  type Ev = Record<string, any>;
  afterEach(async () => {
    // Whatever a failed run left behind, found by its sandbox path.
    for (const pid of await processesUnder(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  });

  it('a SIGKILL of local-cluster leaves no task process behind', async () => {
    const child = startCli(['local-cluster', '--agents', '1', '--port', '0', '--work-dir', dir, '--json', '--heartbeat-interval', '1']);
    try {
      const ready = await firstJsonLine(child.stdout!);
      const fw = await subscribeFramework(String(ready.master), FRAMEWORK);
      const offer = await fw.stream.waitForEvent<Ev>((e) => (e.offers?.offers?.length ?? 0) > 0, 20_000, 'an offer');
      const offered = offer.offers.offers[0] as Ev;
      // A shell with a child of its own that ignores SIGTERM: the whole group must go.
      const launched = await fw.call('ACCEPT', {
        accept: {
          offer_ids: [offered.id],
          operations: [
            {
              type: 'LAUNCH',
              launch: {
                task_infos: [
                  {
                    name: 'long',
                    task_id: { value: 'long' },
                    agent_id: offered.agent_id,
                    resources: [
                      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, role: '*' },
                      { name: 'mem', type: 'SCALAR', scalar: { value: 32 }, role: '*' },
                    ],
                    command: { shell: true, value: 'sh -c \'trap "" TERM; sleep 300\' & sleep 300; wait' },
                  },
                ],
              },
            },
          ],
        },
      });
      expect(launched.status).toBe(202);
      // The agent holds TASK_RUNNING back until TASK_STARTING is acknowledged, as Mesos does.
      const starting = await fw.stream.waitForEvent<Ev>((e) => e.update?.status.state === 'TASK_STARTING', 20_000, 'TASK_STARTING');
      const { agent_id, task_id, uuid } = starting.update.status as Ev;
      expect((await fw.call('ACKNOWLEDGE', { acknowledge: { agent_id, task_id, uuid } })).status).toBe(202);
      await fw.stream.waitForEvent<Ev>((e) => e.update?.status.state === 'TASK_RUNNING', 20_000, 'TASK_RUNNING');
      // The task's shell, its two sleeps and the inner shell, all in the sandbox.
      for (;;) {
        const tasks = (await processesUnder(dir)).filter((pid) => pid !== child.pid);
        if (tasks.length >= 3) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      fw.stream.close();
    } finally {
      child.kill('SIGKILL');
    }
    await child;
    let left = await processesUnder(dir);
    while (left.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = await processesUnder(dir);
    }
    expect(left).toEqual([]);
  }, 60_000);
});
