#!/usr/bin/env node
/**
 * `deploy` on a local cluster of 20 agents: time from starting the real binary to every task RUNNING
 * and healthy, split into what the scheduler spends (subscribe → master launched, master ready →
 * last worker launched) and what the stand-in processes and health checks take.
 * Goal (issue): under 1 s of scheduler overhead.
 *
 * Usage: npm run bench:deploy [-- --agents 20]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/alluxio-mesos.js');
const { LocalCluster } = await import(path.join(root, 'dist/emulator/cluster.js'));
const { writeDemoDistribution } = await import(path.join(root, 'dist/emulator/standin-alluxio/generate.js'));
const index = process.argv.indexOf('--agents');
const agents = index > 0 ? Number(process.argv[index + 1]) : 20;

const dir = await mkdtemp(path.join(os.tmpdir(), 'am-bench-deploy-'));
const dist = await writeDemoDistribution(dir);
const cluster = new LocalCluster({
  agents,
  port: 0,
  workDir: path.join(dir, 'mesos'),
  heartbeatIntervalSeconds: 5,
  allocationIntervalMs: 100,
});
await cluster.start();
const master = cluster.url.replace('http://', '');
spawnSync(
  process.execPath,
  [
    bin,
    'init',
    '--yes',
    '--conf-dir',
    path.join(dir, 'conf'),
    '--master',
    master,
    '--jar-url',
    'LOCAL',
    '--alluxio-home',
    dist.home,
    '--worker-memory-size',
    '64MB',
    '--worker-mem',
    '64MB',
    '--master-mem',
    '128MB',
    '--master-cpus',
    '0.1',
    '--worker-cpus',
    '0.1',
  ],
  { stdio: 'ignore' },
);

const t0 = Date.now();
const child = spawn(
  process.execPath,
  [bin, 'deploy', '--conf-dir', path.join(dir, 'conf'), '--json', '--health-check-delay', '0.5', '--health-check-interval', '0.5'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const at = {};
const healthy = new Set();
const launched = new Map();
await new Promise((resolve) => {
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line);
    const t = Date.parse(event.time);
    if (event.type === 'subscribed') at.subscribed = t;
    if (event.type === 'task-launched') launched.set(event.alias, t);
    if (event.type === 'master-ready') at.masterReady = t;
    if (event.type === 'task-state' && event.state === 'TASK_RUNNING' && event.healthy === true) healthy.add(event.alias);
    if (healthy.size === agents + 1 && at.allHealthy === undefined) {
      at.allHealthy = t;
      resolve();
    }
  });
});
child.kill('SIGINT');
await new Promise((resolve) => child.on('exit', resolve));
spawnSync(process.execPath, [bin, 'teardown', '--yes', '--conf-dir', path.join(dir, 'conf')], { stdio: 'ignore' });
await cluster.stop();
await rm(dir, { recursive: true, force: true });

const workerLaunches = [...launched].filter(([alias]) => alias.startsWith('worker-')).map(([, t]) => t);
const masterLaunched = launched.get('master-1');
const lastWorkerLaunched = Math.max(...workerLaunches);
const schedulerMs = masterLaunched - t0 + (lastWorkerLaunched - at.masterReady);
console.log(
  `deploy benchmark: ${agents} agents, 1 master + ${workerLaunches.length} workers, node ${process.version}, ${os.cpus().length} cores`,
);
console.log(`start → all ${agents + 1} tasks RUNNING and healthy: ${at.allHealthy - t0} ms`);
console.log(
  `  CLI start + subscribe + master launched:        ${masterLaunched - t0} ms (of which CLI start to SUBSCRIBED ${at.subscribed - t0} ms)`,
);
console.log(
  `  master process start + first health check:      ${at.masterReady - masterLaunched} ms (stand-in process and health-check delay)`,
);
console.log(`  master ready → last worker launched:            ${lastWorkerLaunched - at.masterReady} ms`);
console.log(
  `  last worker launched → all healthy:             ${at.allHealthy - lastWorkerLaunched} ms (stand-in processes and health checks)`,
);
console.log(`scheduler overhead (the two scheduler intervals): ${schedulerMs} ms (goal < 1000 ms)`);
