#!/usr/bin/env node
/**
 * A rolling change on a local cluster: 1 master + N workers (default 5) deployed with the real
 * binary, then the worker memory changed and `deploy --yes --max-unavailable K` run again, which
 * hands the change to the running scheduler and follows the rollout to its end. Measured per run,
 * for each K given (default 1 and 2): the rollout time (from starting the second deploy to its
 * exit on "done") and the fewest workers RUNNING and healthy seen by sampling the Mesos master
 * every 100 ms (the floor is N - K). The cluster runs in this process at the allocation interval a
 * user gets (1 s); health checks every 0.5 s (delay 0.5 s) as in bench/deploy.mjs. The load
 * average is printed with every run: the machine is usually shared.
 *
 * Usage: npm run bench:rollout -- [--workers 5] [--runs 2] [--max-unavailable 1,2] [--allocation-interval 1000]
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { standinInitArgs } from './lib/standin-conf.mjs';

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workers = Number(option('workers', '5'));
const runs = Number(option('runs', '2'));
const batchSizes = option('max-unavailable', '1,2').split(',');
const allocationIntervalMs = Number(option('allocation-interval', '1000'));
const bin = path.join(root, 'bin/alluxio-mesos.js');
const { LocalCluster } = await import(path.join(root, 'dist/emulator/cluster.js'));
const { writeDemoDistribution } = await import(path.join(root, 'dist/emulator/standin-alluxio/generate.js'));
const { isTerminal } = await import(path.join(root, 'dist/emulator/master/model.js'));
const { aliasOfTaskId } = await import(path.join(root, 'dist/state/task-names.js'));

const load = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

function healthyWorkers(cluster) {
  let count = 0;
  for (const framework of cluster.master.state.frameworks.values()) {
    for (const task of framework.tasks.values()) {
      if (isTerminal(task.state) || !(aliasOfTaskId(task.taskId) ?? '').startsWith('worker-')) continue;
      if (task.state === 'TASK_RUNNING' && task.latestStatus?.healthy === true) count += 1;
    }
  }
  return count;
}

function cli(args) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${args[0]} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** Resolves once `probe()` is true (polled every 100 ms), rejects after `ms`. */
async function until(what, probe, ms) {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function run(maxUnavailable) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'am-bench-rollout-'));
  const dist = await writeDemoDistribution(dir);
  const cluster = new LocalCluster({
    agents: workers,
    port: 0,
    workDir: path.join(dir, 'mesos'),
    heartbeatIntervalSeconds: 5,
    allocationIntervalMs,
  });
  await cluster.start();
  const conf = path.join(dir, 'conf');
  cli([...standinInitArgs({ confDir: conf, masterUrl: cluster.url, alluxioHome: dist.home }), '--max-workers', String(workers)]);
  const scheduler = spawn(
    process.execPath,
    [bin, 'deploy', '--conf-dir', conf, '--json', '--health-check-delay', '0.5', '--health-check-interval', '0.5'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  readline.createInterface({ input: scheduler.stdout }).on('line', () => undefined);
  try {
    await until(`${workers} healthy workers`, () => healthyWorkers(cluster) === workers, 120_000);
    const site = path.join(conf, 'alluxio-site.properties');
    writeFileSync(site, readFileSync(site, 'utf8').replace(/^alluxio\.worker\.memory\.size=.*$/m, 'alluxio.worker.memory.size=32MB'));
    let lowest = Number.POSITIVE_INFINITY;
    let samples = 0;
    const sampler = setInterval(() => {
      lowest = Math.min(lowest, healthyWorkers(cluster));
      samples += 1;
    }, 100);
    const loadBefore = load();
    const t0 = Date.now();
    const change = spawn(process.execPath, [bin, 'deploy', '--conf-dir', conf, '--json', '--yes', '--max-unavailable', maxUnavailable], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let done = false;
    readline.createInterface({ input: change.stdout }).on('line', (line) => {
      const record = JSON.parse(line);
      if (record.type === 'rollout' && record.phase === 'done') done = true;
    });
    const code = await new Promise((resolve) => change.on('exit', resolve));
    const ms = Date.now() - t0;
    clearInterval(sampler);
    if (code !== 0 || !done) throw new Error(`the rolling deploy exited ${code} (done: ${done})`);
    return { ms, lowest, samples, loadBefore, loadAfter: load() };
  } finally {
    scheduler.kill('SIGINT');
    await new Promise((resolve) => scheduler.on('exit', resolve));
    spawnSync(process.execPath, [bin, 'teardown', '--yes', '--conf-dir', conf], { stdio: 'ignore' });
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

console.log(
  `rollout of a worker memory change: 1 master + ${workers} workers, allocation interval ${allocationIntervalMs} ms, ${os.cpus().length} cores`,
);
for (const maxUnavailable of batchSizes) {
  const times = [];
  for (let i = 1; i <= runs; i += 1) {
    const result = await run(maxUnavailable);
    times.push(result.ms);
    console.log(
      `--max-unavailable ${maxUnavailable} run ${i}: ${(result.ms / 1000).toFixed(1)} s; fewest healthy workers ${result.lowest} ` +
        `(floor ${workers - Number(maxUnavailable)}) in ${result.samples} samples; load ${result.loadBefore} -> ${result.loadAfter}`,
    );
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `--max-unavailable ${maxUnavailable}: min ${(times[0] / 1000).toFixed(1)} s, median ${(median / 1000).toFixed(1)} s, max ${(times.at(-1) / 1000).toFixed(1)} s`,
  );
}
