#!/usr/bin/env node
/**
 * Side by side: `alluxio-mesos deploy` and npm `mesos-framework` (the only other JavaScript Mesos
 * scheduler) launch the same 1 + N tasks (same command, cpus, mem and fixed ports) on the same local
 * cluster of N agents, at the allocation interval a user gets (1 s), alternating run by run (the
 * order swapped every run) so that both see the same machine load. A fresh cluster for every run.
 *
 * Measured at the master, the same way for both schedulers:
 * - time from starting the scheduler process to its first and its last task launch reaching the
 *   master (the scheduler's own work), and to all 1 + N tasks TASK_RUNNING (and, for deploy, to all
 *   RUNNING and healthy when health checks are on);
 * - the scheduler process's CPU time (user + system, /proc) up to all RUNNING, its peak RSS (VmHWM)
 *   at the end of the run;
 * - OFFERS events the master sent the framework in the window after all tasks were RUNNING
 *   (`--window`, default 60 s): offers a placed framework keeps being sent;
 * - scheduler API requests (SUBSCRIBE included) and the TCP connections they came on, up to all
 *   RUNNING and over the whole run;
 * - the load average before and after each run.
 *
 * The peer gets the very command deploy sends (taken from deploy's first ACCEPT of the same N, so
 * deploy always runs first for each N). Only the first agent (127.0.0.2) offers the Alluxio master's
 * ports, so both put the master there and the workers' command, which names it, fits both. `--tasks sleep` replaces the
 * stand-in Alluxio's "JVM" with `sleep` (the tasks then only have to start: the lightweight tasks
 * for 100 and 300 agents); deploy then runs without health checks (nothing listens).
 *
 * mesos-framework is installed by this harness into a cache directory (default
 * ~/.cache/alluxio-mesos-bench, `ALLUXIO_MESOS_BENCH_CACHE`), never into this project. Inside a
 * network namespace there is no registry: run once outside it with `--install-only`.
 *
 * Usage: npm run bench:peer -- [--agents 3,20,100] [--runs 3] [--window 60] [--tasks standin|sleep]
 *          [--allocation-interval 1000] [--agent-hosts 0] [--deadline 600] [--deploy-args "--no-health-checks"] [--deploy-only] [--install-only]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMALL_CPUS, standinInitArgs } from '../lib/standin-conf.mjs';

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

const PEER_PACKAGE = 'mesos-framework@0.5.3';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = process.env.ALLUXIO_MESOS_BENCH_CACHE ?? path.join(os.homedir(), '.cache/alluxio-mesos-bench');
const agentCounts = option('agents', '3,20,100').split(',').map(Number);
const runs = Number(option('runs', '3'));
const windowMs = Number(option('window', '60')) * 1000;
const tasks = option('tasks', 'standin');
const allocationIntervalMs = Number(option('allocation-interval', '1000'));
/**
 * `--agent-hosts N`: run the agents (and their tasks' executors) in N child-process hosts, as
 * `local-cluster` does (one per core). The default, 0, keeps them in this process on the master's
 * event loop, as every figure in docs/performance.md was measured.
 */
const agentHostCount = Number(option('agent-hosts', '0'));
const deadlineMs = Number(option('deadline', '600')) * 1000;
const deployArgs = option('deploy-args', '').split(/\s+/).filter(Boolean);
if (tasks === 'sleep' && !deployArgs.includes('--no-health-checks')) deployArgs.push('--no-health-checks');
const healthChecks = !deployArgs.includes('--no-health-checks');
/** `--deploy-only`: measure deploy's settings alone (e.g. `--deploy-args --workers-with-master`). */
const deployOnly = process.argv.includes('--deploy-only');
const WORKER_AGENT_RESOURCES = 'cpus:4;mem:8192;disk:16384;ports:[29998-30000,31000-32000]';

function ensurePeerInstalled() {
  if (existsSync(path.join(cacheDir, 'node_modules/mesos-framework/package.json'))) return;
  console.log(`installing ${PEER_PACKAGE} into ${cacheDir} (not a dependency of this project)`);
  spawnSync('mkdir', ['-p', cacheDir]);
  const manifest = path.join(cacheDir, 'package.json');
  if (!existsSync(manifest)) writeFileSync(manifest, JSON.stringify({ name: 'alluxio-mesos-bench-peer', private: true }));
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', PEER_PACKAGE], {
    cwd: cacheDir,
    stdio: 'inherit',
  });
  if (npm.status !== 0) {
    console.error(
      `could not install ${PEER_PACKAGE}: run \`node bench/peer/peer-bench.mjs --install-only\` where the npm registry is reachable`,
    );
    process.exit(1);
  }
}
ensurePeerInstalled();
if (process.argv.includes('--install-only')) process.exit(0);

const bin = path.join(root, 'bin/alluxio-mesos.js');
const { LocalCluster, DEFAULT_AGENT_RESOURCES } = await import(path.join(root, 'dist/emulator/cluster.js'));
const { writeDemoDistribution } = await import(path.join(root, 'dist/emulator/standin-alluxio/generate.js'));
const { MasterCore } = await import(path.join(root, 'dist/emulator/master/master-core.js'));
const { HttpEventStream } = await import(path.join(root, 'dist/emulator/master/event-stream.js'));
const { agentHostname } = await import(path.join(root, 'dist/emulator/control-api.js'));

/** What the master saw of the current run (reset per run): task states, OFFERS events, launches. */
const seen = { states: new Map(), healthy: new Set(), offerEvents: [], accepted: [], acceptedAt: [], runningAt: [], failures: [] };
const originalStatusUpdate = MasterCore.prototype.statusUpdate;
MasterCore.prototype.statusUpdate = function (req) {
  const accepted = originalStatusUpdate.call(this, req);
  const { task_id: taskId, state, healthy } = req.status;
  if (state === 'TASK_RUNNING' && seen.states.get(taskId.value) !== 'TASK_RUNNING') seen.runningAt.push(Date.now());
  seen.states.set(taskId.value, state);
  if (state === 'TASK_FAILED' || state === 'TASK_ERROR') seen.failures.push(`${taskId.value}: ${state} ${req.status.message ?? ''}`);
  if (state === 'TASK_RUNNING' && healthy === true) seen.healthy.add(taskId.value);
  else seen.healthy.delete(taskId.value);
  seen.onChange?.();
  return accepted;
};
const originalAccept = MasterCore.prototype.accept;
MasterCore.prototype.accept = function (fw, accept) {
  for (const operation of accept.operations ?? []) {
    for (const task of operation.launch?.task_infos ?? []) {
      seen.accepted.push(task);
      seen.acceptedAt.push(Date.now());
    }
  }
  return originalAccept.call(this, fw, accept);
};
const originalSend = HttpEventStream.prototype.send;
HttpEventStream.prototype.send = function (event) {
  if (event.type === 'OFFERS') seen.offerEvents.push(Date.now());
  return originalSend.call(this, event);
};

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
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
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A task's cpus, mem and ports from its TaskInfo resources. */
function sizeOf(taskInfo) {
  const scalar = (name) => taskInfo.resources.filter((r) => r.name === name).reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0);
  const ports = taskInfo.resources
    .filter((r) => r.name === 'ports')
    .flatMap((r) => r.ranges.range.flatMap((range) => Array.from({ length: range.end - range.begin + 1 }, (_, i) => range.begin + i)));
  return { cpus: scalar('cpus'), mem: scalar('mem'), ports, command: taskInfo.command };
}

/** The commands deploy launched, by N: what the peer launches too. */
const launchSpecs = new Map();

/**
 * One stand-in distribution for the whole benchmark: the command the peer is given names its
 * directory (`alluxio.home`), so it must outlive the deploy run it was taken from.
 */
const distDir = await mkdtemp(path.join(os.tmpdir(), 'am-bench-peer-dist-'));
const dist = await writeDemoDistribution(distDir);
if (tasks === 'sleep') {
  // The "JVM" of the stand-in becomes sleep for the master and worker; the journal format exits 0.
  await writeFile(
    path.join(dist.home, 'libexec/standin-java'),
    '#!/bin/sh\ncase "$*" in *alluxio.master.AlluxioMaster*|*alluxio.worker.AlluxioWorker*) exec sleep 100000;; esac\nexit 0\n',
  );
}

async function prepare(dir, agents) {
  const cluster = new LocalCluster({
    agents,
    port: 0,
    workDir: path.join(dir, 'mesos'),
    heartbeatIntervalSeconds: 15,
    allocationIntervalMs,
    ...(agentHostCount > 0 ? { agentHosts: { kind: 'process', count: Math.min(agents, agentHostCount) } } : {}),
    // Only the first agent offers the Alluxio master's ports, so both schedulers put the master
    // there, and the workers' command (which names the master's host) is right for both.
    resources: Array.from({ length: agents }, (_, i) => (i === 0 ? DEFAULT_AGENT_RESOURCES : WORKER_AGENT_RESOURCES)),
  });
  await cluster.start();
  return { cluster };
}

async function runDeploy(dir, cluster, dist) {
  const conf = path.join(dir, 'conf');
  const init = spawnSync(
    process.execPath,
    [bin, ...standinInitArgs({ confDir: conf, masterUrl: cluster.url, alluxioHome: dist.home }), ...SMALL_CPUS],
    { stdio: 'ignore' },
  );
  if (init.status !== 0) throw new Error(`init exited ${init.status}`);
  // BENCH_DEPLOY_NODE_ARGS: node flags for deploy's process, e.g. "--cpu-prof --cpu-prof-dir=DIR"
  // (NODE_OPTIONS does not take --cpu-prof).
  const nodeArgs = (process.env.BENCH_DEPLOY_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  return spawn(process.execPath, [...nodeArgs, bin, 'deploy', '--conf-dir', conf, '--json', ...deployArgs], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function runPeer(dir, cluster, agents) {
  const launched = launchSpecs.get(agents);
  const url = new URL(cluster.url);
  const specFile = path.join(dir, 'peer-spec.json');
  await writeFile(
    specFile,
    JSON.stringify({
      packageDir: cacheDir,
      masterHost: url.hostname,
      masterPort: Number(url.port),
      user: os.userInfo().username,
      master: launched.master,
      worker: { ...launched.worker, instances: agents },
    }),
  );
  // The library's log file rotator does not create its directory.
  await mkdir(path.join(dir, 'peer/logs'), { recursive: true });
  return spawn(process.execPath, [path.join(root, 'bench/peer/peer-scheduler.mjs'), specFile], {
    cwd: path.join(dir, 'peer'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function run(subject, agents) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'am-bench-peer-'));
  const { cluster } = await prepare(dir, agents);
  let requests = 0;
  const sockets = new Set();
  cluster.master.server.on('request', (request) => {
    if (process.env.BENCH_LOG_REQUESTS) console.error(`${Date.now() - t0} ${request.method} ${request.url}`);
    if (!request.url.startsWith('/api/v1/scheduler')) return;
    requests += 1;
    sockets.add(request.socket);
  });
  seen.states.clear();
  seen.healthy.clear();
  seen.offerEvents.length = 0;
  seen.accepted.length = 0;
  seen.acceptedAt.length = 0;
  seen.runningAt.length = 0;
  seen.failures.length = 0;
  const loadBefore = load();
  const t0 = Date.now();
  const child = subject === 'deploy' ? await runDeploy(dir, cluster, dist) : await runPeer(dir, cluster, agents);
  let exited;
  child.once('exit', (code, signal) => {
    exited = `${subject} exited (${code ?? signal}) before all tasks were RUNNING`;
    seen.onChange?.();
  });
  const total = agents + 1;
  const count = (state) => [...seen.states.values()].filter((s) => s === state).length;
  const at = {};
  const reached = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), deadlineMs);
    seen.onChange = () => {
      if (exited !== undefined) {
        clearTimeout(timer);
        resolve(false);
        return;
      }
      if (at.allRunning === undefined && count('TASK_RUNNING') === total) {
        at.allRunning = Date.now();
        at.cpu = cpuMs(child.pid);
        at.requests = requests;
        at.connections = sockets.size;
      }
      if (at.allRunning !== undefined && (!healthChecks || subject !== 'deploy' || seen.healthy.size === total)) {
        at.allHealthy ??= Date.now();
        clearTimeout(timer);
        resolve(true);
      }
    };
    seen.onChange();
  });
  seen.onChange = undefined;
  const result = {
    subject,
    agents,
    reached,
    exited,
    failures: seen.failures.length,
    firstFailure: seen.failures[0],
    running: count('TASK_RUNNING'),
    healthy: seen.healthy.size,
    loadBefore,
  };
  if (subject === 'deploy' && reached && !launchSpecs.has(agents)) {
    const master = seen.accepted.find((task) => task.task_id.value.includes('-master-'));
    const worker = seen.accepted.find((task) => task.task_id.value.includes('-worker-'));
    launchSpecs.set(agents, { master: sizeOf(master), worker: sizeOf(worker) });
  }
  if (reached) {
    const windowStart = at.allHealthy;
    await sleep(windowMs);
    Object.assign(result, {
      // When the scheduler's work was done: its first launch reached the master, then its last.
      firstLaunch: Math.min(...seen.acceptedAt) - t0,
      allLaunched: Math.max(...seen.acceptedAt) - t0,
      halfRunning: seen.runningAt[Math.floor(seen.runningAt.length / 2)] - t0,
      allRunning: at.allRunning - t0,
      allHealthy: at.allHealthy - t0,
      cpu: at.cpu,
      rss: exited === undefined ? peakRssMb(child.pid) : Number.NaN,
      offersAfter: seen.offerEvents.filter((t) => t > windowStart).length,
      offersBefore: seen.offerEvents.filter((t) => t <= windowStart).length,
      requestsToRunning: at.requests,
      connectionsToRunning: at.connections,
      requests,
      connections: sockets.size,
      masterHost: masterHostOf(cluster),
    });
  } else if (exited === undefined) {
    result.cpu = cpuMs(child.pid);
    result.rss = peakRssMb(child.pid);
  }
  result.loadAfter = load();
  child.removeAllListeners('exit');
  if (exited === undefined) {
    // SIGINT first: deploy stops as a user's Ctrl-C stops it (and a --cpu-prof profile is written).
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
  if (seen.failures.length > 0) result.failureLog = await sandboxTail(path.join(dir, 'mesos'), seen.failures[0].split(':')[0]);
  await cluster.stop();
  result.portsFreedAfterMs = await waitForPortsFree(agents);
  if (process.env.BENCH_PEER_KEEP === undefined) await rm(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
  return result;
}

/** The last lines a failed task wrote (its sandbox's stderr without the executor's own lines, and its logs). */
async function sandboxTail(workDir, taskId) {
  const found = spawnSync(
    'find',
    [workDir, '-maxdepth', '12', '-path', `*/executors/${taskId}/runs/*`, '(', '-name', 'stderr', '-o', '-name', '*.log', ')'],
    {
      encoding: 'utf8',
    },
  );
  const lines = [];
  for (const file of found.stdout.split('\n').filter(Boolean)) {
    const text = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !/^[IWE]\d{4} /.test(line));
    lines.push(...text.slice(-3).map((line) => `${path.basename(file)}: ${line}`));
  }
  return lines.join(' | ');
}

/** Whether something still listens on host:port (a task process that outlived its cluster). */
function listening(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The next run's tasks need the same ports: waits (at most 60 s) until no Alluxio port of any agent
 * is held any more, and says how long that took.
 */
async function waitForPortsFree(agents) {
  const started = Date.now();
  const targets = [];
  for (let i = 0; i < agents; i += 1) for (const port of i === 0 ? [19998, 29998] : [29998]) targets.push([agentHostname(i), port]);
  while (Date.now() - started < 60_000) {
    const held = await Promise.all(targets.map(([host, port]) => listening(host, port)));
    if (!held.includes(true)) return Date.now() - started;
    await sleep(200);
  }
  throw new Error('task processes of the previous run still hold their ports after 60 s');
}

/** Where the framework's master task runs (both must put it on the same agent for the same command). */
function masterHostOf(cluster) {
  // Task ids: deploy's `alluxio-master-1.<uuid>`, the peer's `mesos-framework-peer.master-1.<uuid>`.
  for (const agent of cluster.master.state.agents.values())
    for (const task of agent.tasks.values()) if (/[-.]master-\d+\./.test(task.taskId)) return agent.hostname;
  return '?';
}

const stats = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return 'n/a';
  const median =
    sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  const f = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
  return `${f(sorted[0])} / ${f(median)} / ${f(sorted[sorted.length - 1])}`;
};

console.log(
  `peer benchmark: deploy vs ${PEER_PACKAGE}, agents ${agentCounts.join(', ')}, ${runs} runs each, tasks ${tasks}, ` +
    `allocation interval ${allocationIntervalMs} ms, agent hosts ${agentHostCount}, window ${windowMs / 1000} s, deploy ${deployArgs.join(' ') || '(defaults)'}; ` +
    `node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model}), load ${load()}, ${new Date().toISOString()}`,
);
for (const agents of agentCounts) {
  const results = { deploy: [], peer: [] };
  for (let i = 1; i <= runs; i += 1) {
    // deploy first in run 1 (the peer needs its command), then the order alternates.
    const order = deployOnly ? ['deploy'] : i % 2 === 1 ? ['deploy', 'peer'] : ['peer', 'deploy'];
    for (const subject of order) {
      if (subject === 'peer' && !launchSpecs.has(agents)) {
        console.log(`N=${agents} run ${i} peer: skipped, deploy has not launched its tasks yet`);
        continue;
      }
      const r = await run(subject, agents);
      const name = `N=${agents} run ${i} ${subject}`;
      if (!r.reached) {
        console.log(
          `${name}: NOT DONE (${r.exited ?? `deadline ${deadlineMs / 1000} s`}): ${r.running} of ${agents + 1} RUNNING, ${r.healthy} healthy; ` +
            `CPU ${r.cpu ?? '?'} ms; load ${r.loadBefore} -> ${r.loadAfter}`,
        );
        continue;
      }
      results[subject].push(r);
      console.log(
        `${name}: all RUNNING ${r.allRunning} ms${subject === 'deploy' && healthChecks ? `, all healthy ${r.allHealthy} ms` : ''}; ` +
          `CPU ${r.cpu} ms; peak RSS ${r.rss.toFixed(0)} MB; OFFERS events before/after ${r.offersBefore}/${r.offersAfter} in ${windowMs / 1000} s; ` +
          `requests ${r.requestsToRunning} on ${r.connectionsToRunning} connections to all RUNNING, ${r.requests} on ${r.connections} in all; ` +
          `master on ${r.masterHost}; ${r.failures} tasks failed${r.failures > 0 ? ` (first: ${r.firstFailure}; its sandbox: ${r.failureLog})` : ''}; load ${r.loadBefore} -> ${r.loadAfter}; ports free ${r.portsFreedAfterMs} ms after stop`,
      );
    }
  }
  console.log(`N=${agents}: min / median / max (deploy | mesos-framework)`);
  const row = (label, field, unit) =>
    console.log(
      `  ${label.padEnd(44)} ${stats(results.deploy.map((r) => r[field]))} | ${stats(results.peer.map((r) => r[field]))} ${unit}`,
    );
  row('start -> first task launched', 'firstLaunch', 'ms');
  row('start -> all tasks launched', 'allLaunched', 'ms');
  row('start -> half the tasks RUNNING', 'halfRunning', 'ms');
  row('start -> all RUNNING', 'allRunning', 'ms');
  if (healthChecks) row('start -> all RUNNING and healthy (deploy)', 'allHealthy', 'ms');
  row('scheduler CPU time to all RUNNING', 'cpu', 'ms');
  row('scheduler peak RSS', 'rss', 'MB');
  row(`OFFERS events in the ${windowMs / 1000} s after`, 'offersAfter', '');
  row('scheduler API requests to all RUNNING', 'requestsToRunning', '');
  row('TCP connections to all RUNNING', 'connectionsToRunning', '');
  row('scheduler API requests in all', 'requests', '');
  row('TCP connections in all', 'connections', '');
  console.log(`  finished runs: ${results.deploy.length} | ${results.peer.length} of ${runs}`);
}
await rm(distDir, { recursive: true, force: true });
