#!/usr/bin/env node
/**
 * `alluxio-mesos local-cluster --agents N` (default 300) as a user runs it, several times: the real
 * binary, agents in its child-process hosts (one per core). Per run:
 *
 *   - ready: from spawning the binary to its `ready` line (every agent registered);
 *   - launch: one lightweight task (`sleep 600`, 0.1 cpu, 32 MB) per agent, all ACCEPTs at once from
 *     the first offers, until every task is TASK_RUNNING at the scheduler (updates acknowledged);
 *   - memory: resident set (VmRSS) of the cluster process and its agent hosts together with every
 *     task running, and the largest peak (VmHWM) of any one of them;
 *   - stop: from Ctrl-C (SIGINT) to the process's exit, and how many task processes were left after
 *     it (found by their working directory under the work dir; must be 0).
 *
 * The scheduler (bench/lib/bench-scheduler.mjs) runs in this process, not in the cluster's.
 *
 * Usage: npm run build && node bench/local-cluster-scale.mjs [--agents 300] [--runs 3]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  benchScheduler,
  clusterPids,
  commandTask,
  machineLoad,
  processesUnder,
  spread,
  startLocalClusterCli,
  statusField,
} from './lib/bench-scheduler.mjs';

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const agents = Number(option('agents', '300'));
const runs = Number(option('runs', '3'));

async function once() {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'bench-lc-scale-'));
  const t0 = performance.now();
  const { child, ready } = await startLocalClusterCli(root, ['--agents', String(agents), '--work-dir', workDir]);
  const readyMs = performance.now() - t0;

  const running = new Set();
  let allRunning;
  const done = new Promise((resolve) => (allRunning = resolve));
  const scheduler = await benchScheduler(root, ready.master, {
    onUpdate: (status) => {
      if (status.state === 'TASK_RUNNING') running.add(status.task_id.value);
      if (running.size === agents) allRunning();
    },
  });
  const offers = await scheduler.takeOffers(agents);
  const t1 = performance.now();
  const byAgent = new Map(offers.map((offer) => [offer.agent_id.value, offer]));
  let n = 0;
  await Promise.all(
    [...byAgent.values()].map((offer) => scheduler.launch(offer, [commandTask(`t${n++}`, 'sleep 600', { cpus: 0.1, mem: 32 })])),
  );
  await done;
  const launchMs = performance.now() - t1;
  const pids = clusterPids(child.pid);
  const rssMb = pids.reduce((sum, pid) => sum + statusField(pid, 'VmRSS'), 0);
  const peakMb = Math.max(...pids.map((pid) => statusField(pid, 'VmHWM')));
  const tasks = processesUnder(workDir);
  await scheduler.settle();
  scheduler.close();

  const t2 = performance.now();
  child.kill('SIGINT');
  await new Promise((resolve) => child.once('exit', resolve));
  const stopMs = performance.now() - t2;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const left = processesUnder(workDir);
  await rm(workDir, { recursive: true, force: true });
  return { readyMs, launchMs, rssMb, peakMb, processes: pids.length, tasks, stopMs, left };
}

const results = [];
for (let run = 1; run <= runs; run++) {
  const load = machineLoad();
  const r = await once();
  results.push(r);
  console.log(
    `run ${run}: ready ${(r.readyMs / 1000).toFixed(2)} s, launch ${(r.launchMs / 1000).toFixed(2)} s, ` +
      `RSS ${r.rssMb.toFixed(0)} MB in ${r.processes} processes (largest peak ${r.peakMb.toFixed(0)} MB), ` +
      `${r.tasks} task processes, stop ${(r.stopMs / 1000).toFixed(2)} s, left after stop: ${r.left}; ${load}`,
  );
}
const fmt = (values, unit, digits = 2) => {
  const s = spread(values);
  return `${s.min.toFixed(digits)} / ${s.median.toFixed(digits)} / ${s.max.toFixed(digits)} ${unit}`;
};
console.log(`\nlocal-cluster --agents ${agents}, ${runs} runs (min / median / max)`);
console.log(
  `  ready:  ${fmt(
    results.map((r) => r.readyMs / 1000),
    's',
  )}`,
);
console.log(
  `  launch: ${fmt(
    results.map((r) => r.launchMs / 1000),
    's',
  )}`,
);
console.log(
  `  RSS:    ${fmt(
    results.map((r) => r.rssMb),
    'MB',
    0,
  )} (cluster process + agent hosts)`,
);
console.log(
  `  stop:   ${fmt(
    results.map((r) => r.stopMs / 1000),
    's',
  )}; task processes left: ${results.map((r) => r.left).join(', ')}`,
);
