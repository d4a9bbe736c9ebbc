/**
 * `npm run demo`: the whole product on one machine. Starts a local Mesos cluster of three agents
 * (its own process), writes the stand-in Alluxio distribution, checks the ports, and — where the
 * commands exist — deploys Alluxio, shows status and logs, and tears it down. Every step is the real
 * CLI binary, printed before it runs, so the demo doubles as a tutorial.
 */
import { execa, execaSync } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDemoDistribution } from './emulator/standin-alluxio/generate.js';
import { systemClock } from './shared/clock.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/alluxio-mesos.js');

function say(text: string): void {
  process.stdout.write(`\n\u001b[1m== ${text}\u001b[0m\n`);
}

function cli(args: string[], cwd: string): number {
  process.stdout.write(`$ alluxio-mesos ${args.join(' ')}\n`);
  const result = execaSync(process.execPath, [BIN, ...args], { cwd, stdio: 'inherit', reject: false });
  return result.exitCode ?? 1;
}

function availableCommands(): Set<string> {
  const help = execaSync(process.execPath, [BIN, '--help'], { reject: false }).stdout;
  const section = help.split('Commands:')[1] ?? '';
  return new Set([...section.matchAll(/^\s{2}([a-z-]+)/gm)].map((match) => match[1] ?? ''));
}

/** Polls `status --json` (exit 0 means every task is RUNNING and healthy), for at most a minute. */
async function waitHealthy(cwd: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const status = execaSync(process.execPath, [BIN, 'status', '--conf-dir', 'conf', '--json'], { cwd, reject: false });
    if (status.exitCode === 0) return;
    await systemClock.sleep(500);
  }
  process.stdout.write('(not every task became healthy within a minute)\n');
}

async function main(): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'alluxio-mesos-demo-'));
  const commands = availableCommands();
  say('Writing the stand-in Alluxio distribution (a small Node program that behaves like Alluxio 1.x)');
  const dist = await writeDemoDistribution(dir);
  process.stdout.write(`${dist.home}\n`);

  say('Starting a local Mesos cluster: a master on 127.0.0.1 and three agents on 127.0.0.2-4');
  // reject: false: the cluster is ended with SIGTERM below, which is not a failure.
  const cluster = execa(
    process.execPath,
    [BIN, 'local-cluster', '--agents', '3', '--port', '0', '--work-dir', path.join(dir, 'mesos'), '--json'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      reject: false,
      // Read line by line below; nothing needs the whole output kept.
      buffer: false,
    },
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
    say('Configuring Alluxio for it (init, unattended)');
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

    say('Checking the agents');
    failed ||= cli(['check-ports', '--conf-dir', 'conf'], dir);

    const missing = ['deploy', 'status', 'logs', 'teardown'].filter((name) => !commands.has(name));
    if (missing.length > 0) {
      say(`Not in this build yet: ${missing.join(', ')}`);
      process.stdout.write('The demo stops here; the cluster above is what `deploy --master local` runs on.\n');
    } else {
      say('Deploying Alluxio (the framework runs in the background) and waiting until every task is healthy');
      failed ||= cli(['deploy', '--conf-dir', 'conf', '--detach', '--health-check-delay', '1', '--health-check-interval', '1'], dir);
      await waitHealthy(dir);
      say('Status');
      failed ||= cli(['status', '--conf-dir', 'conf'], dir);
      say('The Alluxio master’s log');
      failed ||= cli(['logs', 'master-1', '--conf-dir', 'conf', '--file', 'logs/master.log', '--lines', '10'], dir);
      say('Tearing down');
      failed ||= cli(['teardown', '--conf-dir', 'conf', '--yes'], dir);
    }
  } finally {
    say('Stopping the local cluster');
    cluster.kill('SIGTERM');
    await new Promise((resolve) => cluster.on('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
  return failed;
}

process.exitCode = await main();
