#!/usr/bin/env node
/**
 * `deploy` on a local cluster of N agents (default 20), run several times: from starting the real
 * binary to every one of the 1 + N tasks RUNNING, and to every one RUNNING and healthy. The cluster
 * runs in this process (its agents too, or in agent hosts, one per core, with `--agents-in
 * process|worker`) at the allocation interval a user gets (1 s, the local-cluster default and real
 * Mesos'); each run gets a fresh cluster and configuration. Health checks every 0.5 s (delay
 * 0.5 s) so that workers, which wait for a healthy master, are not held by the default 15 s delay;
 * `--no-health-checks` runs without (the master is ready once RUNNING), which spares the local
 * cluster two probe processes per task and second: at 100 agents on 2 cores they are what it
 * cannot keep up with.
 *
 * Also per run: when the master had received the last ACCEPT, counted from the master task's
 * `master-ready` report (what the scheduler itself takes to launch the N workers), the scheduler's
 * CPU time (user + system, from /proc, up to all healthy), its peak RSS, the calls the master
 * received by type, and the scheduler API requests and TCP connections it saw (SUBSCRIBE included).
 * The load average is printed with every run: the machine is usually shared.
 *
 * A run that has not got every task healthy after --deadline seconds (default 600) is reported as
 * such, with how many tasks were RUNNING and healthy by then, and left out of the figures.
 *
 * `--against DIR` measures the `deploy` of another checkout too (built, e.g. a worktree of main),
 * alternating with this one's run by run so that both see the same load, on the same cluster code
 * (this checkout's); figures are given for each.
 *
 * `--transport legacy` measures the scheduler driver's protocol (the local cluster takes it at every version).
 *
 * Usage: npm run bench:deploy -- [--agents 20] [--runs 3] [--allocation-interval 1000] [--deadline 600] [--no-health-checks] [--transport v1|legacy] [--against DIR] [--agents-in in-process|process|worker]
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SMALL_CPUS, standinInitArgs } from './lib/standin-conf.mjs';

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const against = option('against', undefined);
const agents = Number(option('agents', '20'));
const runs = Number(option('runs', '3'));
const allocationIntervalMs = Number(option('allocation-interval', '1000'));
const deadlineMs = Number(option('deadline', '600')) * 1000;
/** Where the cluster's agents run: `in-process` (default), or `process`/`worker` agent hosts, one per core. */
const agentsIn = option('agents-in', 'in-process');
const healthChecks = !process.argv.includes('--no-health-checks');
/** `--transport v1|legacy|auto`: deploy's scheduler transport (default: deploy's own, auto). */
const transportFlags = option('transport', undefined) === undefined ? [] : ['--transport', option('transport', undefined)];
const healthFlags = healthChecks ? ['--health-check-delay', '0.5', '--health-check-interval', '0.5'] : ['--no-health-checks'];
const bin = path.join(root, 'bin/alluxio-mesos.js');
/** Whose `deploy` is measured; init, teardown and the cluster are always this checkout's. */
const subjects = [...(against === undefined ? [] : [path.resolve(against)]), root];
const { LocalCluster } = await import(path.join(root, 'dist/emulator/cluster.js'));
const { writeDemoDistribution } = await import(path.join(root, 'dist/emulator/standin-alluxio/generate.js'));
const { MasterCore } = await import(path.join(root, 'dist/emulator/master/master-core.js'));

/** Calls the master received, by type, and when it received the last ACCEPT (reset per run). */
const received = { calls: {}, lastAcceptAt: 0 };
for (const [method, type] of Object.entries({
  accept: 'ACCEPT',
  decline: 'DECLINE',
  revive: 'REVIVE',
  suppress: 'SUPPRESS',
  kill: 'KILL',
  acknowledge: 'ACKNOWLEDGE',
  reconcile: 'RECONCILE',
})) {
  const original = MasterCore.prototype[method];
  MasterCore.prototype[method] = function (...args) {
    received.calls[type] = (received.calls[type] ?? 0) + 1;
    if (type === 'ACCEPT') received.lastAcceptAt = Date.now();
    return original.apply(this, args);
  };
}
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

async function run(subject) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'am-bench-deploy-'));
  const dist = await writeDemoDistribution(dir);
  const cluster = new LocalCluster({
    agents,
    port: 0,
    workDir: path.join(dir, 'mesos'),
    heartbeatIntervalSeconds: 5,
    allocationIntervalMs,
    ...(agentsIn === 'in-process' ? {} : { agentHosts: { kind: agentsIn, count: os.availableParallelism() } }),
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
    [bin, ...standinInitArgs({ confDir: conf, masterUrl: cluster.url, alluxioHome: dist.home }), ...SMALL_CPUS],
    { stdio: 'ignore' },
  );
  if (init.status !== 0) throw new Error(`init exited ${init.status}`);

  received.calls = {};
  received.lastAcceptAt = 0;
  const loadBefore = load();
  const t0 = Date.now();
  const child = spawn(
    process.execPath,
    [path.join(subject, 'bin/alluxio-mesos.js'), 'deploy', '--conf-dir', conf, '--json', ...healthFlags, ...transportFlags],
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
        if (event.healthy === true || !healthChecks) healthy.add(event.alias);
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
  const calls = Object.entries(received.calls)
    .map(([type, count]) => `${count} ${type}`)
    .join(', ');
  const lastAcceptAt = received.lastAcceptAt;
  const seen = { requests, connections: sockets.size };
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

  if (!finished) {
    return {
      finished,
      running: running.size,
      healthy: healthy.size,
      cpu,
      rss,
      calls,
      ...seen,
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
    workersLaunched: lastAcceptAt - at.masterReady,
    cpu,
    rss,
    calls,
    ...seen,
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
  `deploy benchmark: ${agents} agents (1 master + ${agents} workers), allocation interval ${allocationIntervalMs} ms, ${runs} runs each, ` +
    `${healthChecks ? 'health checks every 0.5 s' : 'no health checks'}, node ${process.version}, ${os.cpus().length} cores, load ${load()}`,
);
const results = new Map(subjects.map((subject) => [subject, []]));
for (let i = 1; i <= runs; i += 1) {
  for (const subject of subjects) {
    const r = await run(subject);
    const name = `run ${i} of ${subject}`;
    if (!r.finished) {
      console.log(
        `${name}: NOT DONE after ${deadlineMs / 1000} s: ${r.running} of ${agents + 1} tasks RUNNING, ${r.healthy} healthy; ` +
          `scheduler CPU ${r.cpu} ms, peak RSS ${r.rss.toFixed(0)} MB; calls received: ${r.calls}; ` +
          `${r.requests} scheduler requests on ${r.connections} connections; load ${r.load}`,
      );
      continue;
    }
    results.get(subject).push(r);
    console.log(
      `${name}: all RUNNING ${r.allRunning} ms, all healthy ${r.allHealthy} ms (SUBSCRIBED ${r.subscribed}, master launched ${r.masterLaunched}, ` +
        `master ready ${r.masterReady}, ready -> last ACCEPT received ${r.workersLaunched}); scheduler CPU ${r.cpu} ms, peak RSS ${r.rss.toFixed(0)} MB; ` +
        `calls received: ${r.calls}; ${r.requests} scheduler requests on ${r.connections} connections; load ${r.load}`,
    );
  }
}
for (const [subject, done] of results) {
  const field = (name) => done.map((r) => r[name]);
  console.log(`${subject}: min / median / max of the ${done.length} of ${runs} runs that finished`);
  if (done.length === 0) continue;
  console.log(`  start -> all ${agents + 1} tasks RUNNING:            ${stats(field('allRunning'))} ms`);
  console.log(`  start -> all RUNNING and healthy:         ${stats(field('allHealthy'))} ms`);
  console.log(`  master ready -> last ACCEPT received:     ${stats(field('workersLaunched'))} ms`);
  console.log(`  scheduler CPU time (to all healthy):      ${stats(field('cpu'))} ms`);
  console.log(`  scheduler peak RSS:                       ${stats(field('rss'))} MB`);
  console.log(`  scheduler API requests / connections:     ${stats(field('requests'))} / ${stats(field('connections'))}`);
}
