#!/usr/bin/env node
/**
 * `deploy` on a local cluster of N agents (default 20), run several times: from starting the real
 * binary to every one of the 1 + N tasks RUNNING, and to every one RUNNING and healthy. The cluster
 * runs in this process at the allocation interval a user gets (1 s, the local-cluster default and
 * real Mesos'); each run gets a fresh cluster and configuration. Health checks every 0.5 s (delay
 * 0.5 s) so that workers, which wait for a healthy master, are not held by the default 15 s delay.
 *
 * Also per run: the scheduler's CPU time (user + system, from /proc, up to all healthy), its peak RSS,
 * and the scheduler API requests and TCP connections the master saw (SUBSCRIBE included). The load
 * average is printed with every run: the machine is usually shared.
 *
 * A run that has not got every task healthy after --deadline seconds (default 600) is reported as
 * such, with how many tasks were RUNNING and healthy by then, and left out of the figures.
 *
 * Usage: npm run bench:deploy -- [--agents 20] [--runs 3] [--allocation-interval 1000] [--deadline 600] [--root DIR]
 * (--root: the checkout whose dist/ and bin/ to measure, e.g. a worktree of main; default this one).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

const root = path.resolve(option('root', path.join(path.dirname(fileURLToPath(import.meta.url)), '..')));
const agents = Number(option('agents', '20'));
const runs = Number(option('runs', '3'));
const allocationIntervalMs = Number(option('allocation-interval', '1000'));
const deadlineMs = Number(option('deadline', '600')) * 1000;
const bin = path.join(root, 'bin/alluxio-mesos.js');
const { LocalCluster } = await import(path.join(root, 'dist/emulator/cluster.js'));
const { writeDemoDistribution } = await import(path.join(root, 'dist/emulator/standin-alluxio/generate.js'));
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** utime + stime of a live process, in ms. */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** Peak resident set size of a live process, in MB. */
function peakRssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

const load = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

async function run() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'am-bench-deploy-'));
  const dist = await writeDemoDistribution(dir);
  const cluster = new LocalCluster({
    agents,
    port: 0,
    workDir: path.join(dir, 'mesos'),
    heartbeatIntervalSeconds: 5,
    allocationIntervalMs,
  });
  await cluster.start();
  // The scheduler's requests as the master sees them: calls and the connections they came on.
  let requests = 0;
  const sockets = new Set();
  cluster.master.server.on('request', (request) => {
    if (!request.url.startsWith('/api/v1/scheduler')) return;
    requests += 1;
    sockets.add(request.socket);
  });
  const conf = path.join(dir, 'conf');
  const init = spawnSync(
    process.execPath,
    [
      bin,
      'init',
      '--yes',
      '--conf-dir',
      conf,
      '--master',
      cluster.url.replace('http://', ''),
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
  if (init.status !== 0) throw new Error(`init exited ${init.status}`);

  const loadBefore = load();
  const t0 = Date.now();
  const child = spawn(
    process.execPath,
    [bin, 'deploy', '--conf-dir', conf, '--json', '--health-check-delay', '0.5', '--health-check-interval', '0.5'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const at = {};
  const running = new Set();
  const healthy = new Set();
  const launched = new Map();
  let cpu;
  let rss;
  let timer;
  const finished = await new Promise((resolve, reject) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
    child.once('exit', (code) => reject(new Error(`deploy exited ${code} before every task was healthy`)));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const event = JSON.parse(line);
      const t = Date.parse(event.time);
      if (event.type === 'subscribed') at.subscribed = t;
      if (event.type === 'task-launched') launched.set(event.alias, t);
      if (event.type === 'master-ready') at.masterReady = t;
      if (event.type === 'task-state' && event.state === 'TASK_RUNNING') {
        running.add(event.alias);
        if (event.healthy === true) healthy.add(event.alias);
      }
      if (running.size === agents + 1 && at.allRunning === undefined) at.allRunning = t;
      if (healthy.size === agents + 1 && at.allHealthy === undefined) {
        at.allHealthy = t;
        cpu = cpuMs(child.pid);
        rss = peakRssMb(child.pid);
        resolve(true);
      }
    });
  });
  clearTimeout(timer);
  if (!finished) {
    cpu = cpuMs(child.pid);
    rss = peakRssMb(child.pid);
  }
  child.removeAllListeners('exit');
  child.kill('SIGINT');
  await new Promise((resolve) => child.on('exit', resolve));
  spawnSync(process.execPath, [bin, 'teardown', '--yes', '--conf-dir', conf], { stdio: 'ignore' });
  await cluster.stop();
  await rm(dir, { recursive: true, force: true });

  const workerLaunches = [...launched].filter(([alias]) => alias.startsWith('worker-')).map(([, t]) => t);
  if (!finished) {
    return {
      finished,
      running: running.size,
      healthy: healthy.size,
      cpu,
      rss,
      requests,
      connections: sockets.size,
      load: `${loadBefore} -> ${load()}`,
    };
  }
  return {
    finished,
    allRunning: at.allRunning - t0,
    allHealthy: at.allHealthy - t0,
    subscribed: at.subscribed - t0,
    masterLaunched: launched.get('master-1') - t0,
    masterReady: at.masterReady - t0,
    workersLaunched: Math.max(...workerLaunches) - at.masterReady,
    cpu,
    rss,
    requests,
    connections: sockets.size,
    load: `${loadBefore} -> ${load()}`,
  };
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const median =
    sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  const f = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
  return `${f(sorted[0])} / ${f(median)} / ${f(sorted[sorted.length - 1])}`;
};

console.log(
  `deploy benchmark: ${agents} agents (1 master + ${agents} workers), allocation interval ${allocationIntervalMs} ms, ${runs} runs, ` +
    `node ${process.version}, ${os.cpus().length} cores, ${root}`,
);
const results = [];
for (let i = 1; i <= runs; i += 1) {
  const r = await run();
  if (!r.finished) {
    console.log(
      `run ${i}: NOT DONE after ${deadlineMs / 1000} s: ${r.running} of ${agents + 1} tasks RUNNING, ${r.healthy} healthy; ` +
        `scheduler CPU ${r.cpu} ms, peak RSS ${r.rss.toFixed(0)} MB; ${r.requests} scheduler requests on ${r.connections} connections; load ${r.load}`,
    );
    continue;
  }
  results.push(r);
  console.log(
    `run ${i}: all RUNNING ${r.allRunning} ms, all healthy ${r.allHealthy} ms (SUBSCRIBED ${r.subscribed}, master launched ${r.masterLaunched}, ` +
      `master ready ${r.masterReady}, ready -> last worker launched ${r.workersLaunched}); scheduler CPU ${r.cpu} ms, peak RSS ${r.rss.toFixed(0)} MB; ` +
      `${r.requests} scheduler requests on ${r.connections} connections; load ${r.load}`,
  );
}
const field = (name) => results.map((r) => r[name]);
if (results.length === 0) process.exit(1);
console.log(`min / median / max of the ${results.length} runs that finished:`);
console.log(`  start -> all ${agents + 1} tasks RUNNING:            ${stats(field('allRunning'))} ms`);
console.log(`  start -> all RUNNING and healthy:         ${stats(field('allHealthy'))} ms`);
console.log(`  master ready -> last worker launched:     ${stats(field('workersLaunched'))} ms`);
console.log(`  scheduler CPU time (to all healthy):      ${stats(field('cpu'))} ms`);
console.log(`  scheduler peak RSS:                       ${stats(field('rss'))} MB`);
console.log(`  scheduler API requests / connections:     ${stats(field('requests'))} / ${stats(field('connections'))}`);
