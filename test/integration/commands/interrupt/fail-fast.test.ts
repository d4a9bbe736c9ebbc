/**
 * Hopeless connections end the command with exit 3 and an error that names the address, without
 * waiting for --timeout: each command here runs with an hour-long --timeout (and the test with a
 * far shorter one), so ending at all, with the fast error, is the proof. `deploy` honours --timeout
 * for its first subscription, and `deploy --detach` reports the background scheduler's failure.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { frameworkLogPath, pidFilePath } from '../../../../src/state/files.js';
import { runCli } from '../../../helpers/cli.js';
import { freePort } from '../../../helpers/zookeeper.js';
import { cleanup, initConf, startSandbox, type Sandbox } from '../deploy/helpers.js';

const HOUR_MS = '3600000';

let sandbox: Sandbox | undefined;

afterEach(async () => {
  if (sandbox !== undefined) await cleanup(sandbox, [], { teardown: true });
  sandbox = undefined;
});

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

describe('check-ports against a hopeless address', () => {
  it('a refused connection: exit 3 after a few attempts, naming the address', async () => {
    const port = await freePort();
    const dir = await mkdtemp(path.join(tmpdir(), 'am-fail-fast-'));
    try {
      const result = await runCli(['check-ports', '--conf-dir', dir, '--master', `127.0.0.1:${port}`, '--timeout', HOUR_MS], {
        timeoutMs: 20_000,
      });
      expect(result.exitCode).toBe(3);
      expect(result.stderr).toBe(
        `error: cannot reach the Mesos master at http://127.0.0.1:${port}/api/v1: connection refused (3 attempts); ` +
          'check --master (host and port) and that the Mesos master is running there',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an unknown host: exit 3 at once, one line naming the host and the fix', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'am-fail-fast-'));
    try {
      const result = await runCli(['check-ports', '--conf-dir', dir, '--master', 'no-such-master.invalid:5050', '--timeout', HOUR_MS], {
        timeoutMs: 20_000,
      });
      expect(result.exitCode).toBe(3);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain('cannot resolve the host name "no-such-master.invalid" of the Mesos master');
      expect(result.stderr).toContain('check the spelling of --master');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy against an unreachable master', () => {
  /** A configured sandbox whose saved master is replaced by `master` on the command line. */
  async function configured(): Promise<Sandbox> {
    sandbox = await startSandbox({ agents: 1 });
    await initConf(sandbox, ['--max-workers', '1']);
    return sandbox;
  }

  it('honours --timeout for the first subscription: exit 3 naming the master and the last failure', { timeout: 60_000 }, async () => {
    const { confDir } = await configured();
    const port = await freePort();
    const result = await runCli(['deploy', '--conf-dir', confDir, '--master', `127.0.0.1:${port}`, '--timeout', '3000'], {
      timeoutMs: 40_000,
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain(`error: could not subscribe to the Mesos master at 127.0.0.1:${port} within 3000 ms`);
    expect(result.stderr).toContain('connection refused');
  });

  it('--detach waits for the background scheduler and reports its failure with exit 3', { timeout: 60_000 }, async () => {
    const { confDir } = await configured();
    const port = await freePort();
    const result = await runCli(['deploy', '--detach', '--conf-dir', confDir, '--master', `127.0.0.1:${port}`, '--timeout', '3000'], {
      timeoutMs: 40_000,
    });
    expect(result.exitCode).toBe(3);
    expect(result.stdout).not.toContain('runs in the background');
    expect(result.stderr).toContain(
      'error: the background scheduler exited with 3 before subscribing: could not subscribe to the Mesos master',
    );
    // Nothing is left that teardown could mistake for a running scheduler.
    expect(await exists(pidFilePath(confDir))).toBe(false);
    expect(await readFile(frameworkLogPath(confDir), 'utf8')).toContain('"exitCode":3');
  });

  it('--detach reports success only once the background scheduler has subscribed', { timeout: 60_000 }, async () => {
    const { confDir, cluster } = await configured();
    const result = await runCli(['deploy', '--detach', '--json', '--conf-dir', confDir], { timeoutMs: 40_000 });
    expect(result.exitCode).toBe(0);
    const answer = JSON.parse(result.stdout) as { detached: boolean; pid: number; frameworkId: string };
    expect(answer.detached).toBe(true);
    // The master already knows the framework the parent reported.
    expect([...cluster.master.state.frameworks.keys()]).toContain(answer.frameworkId);
  });
});
