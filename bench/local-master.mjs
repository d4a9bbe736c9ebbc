#!/usr/bin/env node
/**
 * Benchmark of the local Mesos master (src/emulator/master) with real agents: `alluxio-mesos
 * local-cluster --agents N` (default 20) as a user runs it, the master in the cluster process, the
 * agents and their command executors in its agent-host processes, at the 1 s allocation interval a
 * user gets. A scheduler (bench/lib/bench-scheduler.mjs, in this process) measures, run after run on
 * a fresh cluster:
 *
 *  1. SUBSCRIBE -> the first OFFERS event, and -> offers from every agent;
 *  2. a launch of --tasks tasks per agent (default 50; `sleep 600`) from the ACCEPTs (one per
 *     offer, all at once) to every task TASK_RUNNING at the scheduler, every update acknowledged;
 *  3. the peak resident set (VmHWM) of the cluster process (master) and of the largest agent host.
 *
 * Status updates per second through the same cluster are measured by bench/status-updates.mjs.
 *
 * Run: npm run build && node bench/local-master.mjs [--agents 20] [--tasks 50] [--runs 3]
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
  spread,
  startLocalClusterCli,
  statusField,
} from './lib/bench-scheduler.mjs';

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const agents = Number(option('agents', '20'));
const tasksPerAgent = Number(option('tasks', '50'));
const runs = Number(option('runs', '3'));
// Room for the tasks: each takes 0.01 cpu and 1 MB plus the command executor's 0.1 cpu and 32 MB.
const RESOURCES = 'cpus:64;mem:65536;disk:16384;ports:[31000-32000]';

async function once() {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'bench-local-master-'));
  const { child, ready } = await startLocalClusterCli(root, ['--agents', String(agents), '--work-dir', workDir, '--resources', RESOURCES]);
  const total = agents * tasksPerAgent;
  const running = new Set();
  let allRunning;
  const done = new Promise((resolve) => (allRunning = resolve));
  const t0 = performance.now();
  const scheduler = await benchScheduler(root, ready.master, {
    onUpdate: (status) => {
      if (status.state === 'TASK_RUNNING') running.add(status.task_id.value);
      if (running.size === total) allRunning();
    },
  });
  const first = await scheduler.takeOffers(1);
  const firstOffersMs = performance.now() - t0;
  const offers = [...first];
  if (new Set(offers.map((o) => o.agent_id.value)).size < agents) {
    const seen = new Set(offers.map((o) => o.agent_id.value));
    while (seen.size < agents) {
      for (const offer of await scheduler.takeOffers(1)) {
        if (!seen.has(offer.agent_id.value)) offers.push(offer);
        seen.add(offer.agent_id.value);
      }
    }
  }
  const allOffersMs = performance.now() - t0;
  const byAgent = new Map(offers.map((offer) => [offer.agent_id.value, offer]));
  const t1 = performance.now();
  let n = 0;
  await Promise.all(
    [...byAgent.values()].map((offer) =>
      scheduler.launch(
        offer,
        Array.from({ length: tasksPerAgent }, () => commandTask(`t${n++}`, 'sleep 600')),
      ),
    ),
  );
  await done;
  const launchMs = performance.now() - t1;
  const [masterPid, ...hostPids] = clusterPids(child.pid);
  const masterPeakMb = statusField(masterPid, 'VmHWM');
  const hostPeakMb = Math.max(0, ...hostPids.map((pid) => statusField(pid, 'VmHWM')));
  await scheduler.settle();
  scheduler.close();
  child.kill('SIGINT');
  await new Promise((resolve) => child.once('exit', resolve));
  await rm(workDir, { recursive: true, force: true });
  return { firstOffersMs, allOffersMs, launchMs, masterPeakMb, hostPeakMb };
}

const results = [];
for (let run = 1; run <= runs; run++) {
  const load = machineLoad();
  const r = await once();
  results.push(r);
  console.log(
    `run ${run}: SUBSCRIBE -> first OFFERS ${r.firstOffersMs.toFixed(0)} ms, -> offers from all ${agents} agents ${r.allOffersMs.toFixed(0)} ms; ` +
      `${agents * tasksPerAgent} tasks RUNNING in ${(r.launchMs / 1000).toFixed(2)} s; ` +
      `peak RSS master ${r.masterPeakMb.toFixed(0)} MB, largest agent host ${r.hostPeakMb.toFixed(0)} MB; ${load}`,
  );
}
const fmt = (values, unit, digits = 0) => {
  const s = spread(values);
  return `${s.min.toFixed(digits)} / ${s.median.toFixed(digits)} / ${s.max.toFixed(digits)} ${unit}`;
};
console.log(`\nlocal master with ${agents} real agents, ${runs} runs (min / median / max)`);
console.log(
  `  SUBSCRIBE -> first OFFERS:       ${fmt(
    results.map((r) => r.firstOffersMs),
    'ms',
  )}`,
);
console.log(
  `  SUBSCRIBE -> all agents offered: ${fmt(
    results.map((r) => r.allOffersMs),
    'ms',
  )}`,
);
console.log(
  `  ${agents * tasksPerAgent} tasks launched to RUNNING:  ${fmt(
    results.map((r) => r.launchMs / 1000),
    's',
    2,
  )}`,
);
console.log(
  `  master peak RSS:                 ${fmt(
    results.map((r) => r.masterPeakMb),
    'MB',
  )}`,
);
console.log(
  `  largest agent host peak RSS:     ${fmt(
    results.map((r) => r.hostPeakMb),
    'MB',
  )}`,
);
