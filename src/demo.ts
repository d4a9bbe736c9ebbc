/**
 * `npm run demo`: the whole product on one machine, in about two minutes. Starts a local Mesos
 * cluster of three agents (its own process), writes the stand-in Alluxio distribution, checks the
 * ports, deploys with the live view, re-attaches in the background, kills a worker and watches it
 * relaunched, reads the logs of both runs, shows the JSON every command speaks, and tears down.
 * Every step is the real CLI binary, printed before it runs, so the demo doubles as a tutorial.
 */
import { execa, execaSync } from 'execa';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeDemoDistribution } from './emulator/standin-alluxio/generate.js';
import { systemClock } from './shared/clock.js';
import { packageRoot } from './shared/package-root.js';
import { colorEnabled, systemIo } from './ui/io.js';

const BIN = path.join(packageRoot(), 'bin', 'alluxio-mesos.js');
const bold = colorEnabled(systemIo(), 'stdout', false);

function say(text: string): void {
  process.stdout.write(bold ? `\n\u001b[1m== ${text}\u001b[0m\n` : `\n== ${text}\n`);
}

function cli(args: string[], cwd: string): number {
  process.stdout.write(`$ alluxio-mesos ${args.join(' ')}\n`);
  const result = execaSync(process.execPath, [BIN, ...args], { cwd, stdio: 'inherit', reject: false });
  return result.exitCode ?? 1;
}

function quiet(args: string[], cwd: string): { exitCode: number; stdout: string } {
  const result = execaSync(process.execPath, [BIN, ...args], { cwd, reject: false });
  return { exitCode: result.exitCode ?? 1, stdout: result.stdout };
}

/** Polls `status --json` (exit 0 means every task is RUNNING and healthy), for at most a minute. */
async function waitHealthy(cwd: string, what: (report: StatusJson) => boolean = () => true): Promise<boolean> {
  for (let i = 0; i < 120; i++) {
    const status = quiet(['status', '--conf-dir', 'conf', '--json'], cwd);
    if (status.exitCode === 0 && what(JSON.parse(status.stdout) as StatusJson)) return true;
    await systemClock.sleep(500);
  }
  process.stdout.write('(not every task became healthy within a minute)\n');
  return false;
}

interface StatusJson {
  tasks: Array<{ alias: string; taskId: string; relaunches: number }>;
}

/**
 * Kills the processes of one task, as a crash would: the agent reports TASK_FAILED and the
 * scheduler relaunches the alias. They are found by their sandbox, which their command line names
 * (`.../executors/<task id>/runs/...`): Linux only (/proc).
 */
async function killTaskProcesses(taskId: string): Promise<number> {
  let killed = 0;
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!commandLine.includes(`/executors/${taskId}/`)) continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
      killed++;
    } catch {
      // Already gone.
    }
  }
  return killed;
}

async function main(): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'alluxio-mesos-demo-'));
  say('Writing the stand-in Alluxio distribution (a small Node program that behaves like Alluxio 1.x)');
  const dist = await writeDemoDistribution(dir);
  process.stdout.write(`${dist.home}\n`);

  say('Starting a local Mesos cluster: a master on 127.0.0.1 and three agents on 127.0.0.2-4');
  // reject: false: the cluster is ended with SIGTERM below, which is not a failure.
  const cluster = execa(
    process.execPath,
    [BIN, 'local-cluster', '--agents', '3', '--port', '0', '--work-dir', path.join(dir, 'mesos'), '--json'],
    { stdio: ['ignore', 'pipe', 'inherit'], reject: false, buffer: false },
  );
  const ready = await new Promise<{ master: string }>((resolve, reject) => {
    let buffered = '';
    cluster.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n') && line !== undefined) resolve(JSON.parse(line) as { master: string });
    });
    cluster.on('exit', (code) => reject(new Error(`the local cluster exited with ${code}`)));
  });
  const master = ready.master.replace(/^http:\/\//, '');
  process.stdout.write(`Mesos master at ${ready.master}\n`);

  let failed = 0;
  try {
    say('Configuring Alluxio for it (init, unattended: every question has a flag)');
    failed ||= cli(
      [
        'init',
        '--yes',
        '--conf-dir',
        'conf',
        '--master',
        master,
        '--jar-url',
        'LOCAL',
        '--alluxio-home',
        dist.home,
        '--worker-memory-size',
        '256MB',
        '--worker-mem',
        '128MB',
        '--master-mem',
        '256MB',
      ],
      dir,
    );

    say('Checking that the agents can run Alluxio (Mesos version, resources, ports)');
    failed ||= cli(['check-ports', '--conf-dir', 'conf'], dir);

    say('Deploying in the foreground: the live view. Stopped once every task is healthy; Mesos keeps the tasks');
    const deployArgs = ['deploy', '--conf-dir', 'conf', '--health-check-delay', '1s', '--health-check-interval', '1s'];
    process.stdout.write(`$ alluxio-mesos ${deployArgs.join(' ')}\n`);
    const foreground = execa(process.execPath, [BIN, ...deployArgs], { cwd: dir, stdio: 'inherit', reject: false });
    await waitHealthy(dir);
    // What Ctrl-C does: the scheduler disconnects, the Alluxio tasks keep running for the failover timeout.
    foreground.kill('SIGINT');
    await foreground;

    say('Re-attaching in the background (deploy --detach adopts the running tasks) and showing status');
    failed ||= cli([...deployArgs, '--detach'], dir);
    await waitHealthy(dir);
    failed ||= cli(['status', '--conf-dir', 'conf'], dir);

    say('A worker crashes: its process is killed, Mesos reports it FAILED, the scheduler relaunches it');
    const before = JSON.parse(quiet(['status', 'worker-2', '--conf-dir', 'conf', '--json'], dir).stdout) as {
      current: { taskId: string } | null;
    };
    const killed = before.current === null ? 0 : await killTaskProcesses(before.current.taskId);
    if (killed === 0) {
      process.stdout.write('(could not find the processes of worker-2 on this system: skipping the crash)\n');
    } else {
      process.stdout.write(`killed ${killed} process(es) of worker-2 (${before.current?.taskId ?? '?'})\n`);
      await waitHealthy(dir, (report) => report.tasks.some((task) => task.alias === 'worker-2' && task.taskId !== before.current?.taskId));
      failed ||= cli(['status', '--conf-dir', 'conf'], dir);
      say("worker-2's history (as kubectl describe)");
      failed ||= cli(['status', 'worker-2', '--conf-dir', 'conf'], dir);
      say('Logs of both runs: the one that died (--previous) and the new one');
      failed ||= cli(['logs', 'worker-2', '--previous', '--file', 'logs/worker.log', '--lines', '3', '--conf-dir', 'conf'], dir);
      failed ||= cli(['logs', 'worker-2', '--file', 'logs/worker.log', '--lines', '3', '--conf-dir', 'conf'], dir);
    }

    say('Every command speaks JSON for scripts (--json): one line per log line here');
    failed ||= cli(['logs', 'master-1', '--file', 'logs/master.log', '--lines', '2', '--json', '--conf-dir', 'conf'], dir);

    say('Tearing down: the framework, every task, and the saved state');
    failed ||= cli(['teardown', '--conf-dir', 'conf', '--yes'], dir);
  } finally {
    say('Stopping the local cluster');
    cluster.kill('SIGTERM');
    await new Promise((resolve) => cluster.on('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
  say(failed === 0 ? 'Done' : `Done, with a failed step (exit ${failed})`);
  process.stdout.write(
    [
      'Next, on a real cluster:',
      '  npx alluxio-mesos init                                   # the guided set-up, in ./conf',
      '  npx alluxio-mesos check-ports --master mesos-master:5050  # before anything is deployed',
      '  npx alluxio-mesos deploy --detach && npx alluxio-mesos status --watch',
      '  npx alluxio-mesos init --write-service systemd            # run the scheduler supervised',
      'Try it here meanwhile: npx alluxio-mesos local-cluster (Ctrl-C stops it), and see README.md.',
      '',
    ].join('\n'),
  );
  return failed;
}

process.exitCode = await main();
