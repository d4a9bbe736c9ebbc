#!/usr/bin/env node
/**
 * Where the local cluster's agents run: in the master's process (in-process), in child processes or
 * in worker threads (src/emulator/agent-host). For each, runs alternating so that all see the same
 * machine load, with a fresh cluster of N agents (default 100) at a 1 s allocation interval:
 *
 *   - start: from `new LocalCluster` to every agent registered;
 *   - launch: one lightweight task (`sleep 600`) per agent, all ACCEPTs sent at once from the first
 *     offers, until every task is TASK_RUNNING at the scheduler (every update acknowledged);
 *   - CPU seconds of the cluster during start and launch: this process (master, scheduler, and the
 *     agents when in-process or in worker threads) and the host processes (the tasks' own CPU is not
 *     counted);
 *   - stop: LocalCluster.stop() with every task running.
 *
 * The scheduler is bench/lib/bench-scheduler.mjs, in this process.
 *
 * Usage: npm run build && node bench/agent-hosts.mjs [--agents 100] [--runs 3] [--hosts 2] [--modes in-process,process,worker]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchScheduler, clusterCpuSeconds, commandTask, machineLoad, spread } from './lib/bench-scheduler.mjs';

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const agents = Number(option('agents', '100'));
const runs = Number(option('runs', '3'));
const hostCount = Number(option('hosts', String(os.availableParallelism())));
const modes = option('modes', 'in-process,process,worker').split(',');
const { LocalCluster } = await import(pathToFileURL(path.join(root, 'dist/emulator/cluster.js')).href);

const cpu = () => {
  const { own, hosts } = clusterCpuSeconds();
  return own + hosts;
};

async function once(mode) {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'bench-agent-hosts-'));
  const cluster = new LocalCluster({
    agents,
    port: 0,
    workDir,
    allocationIntervalMs: 1000,
    ...(mode === 'in-process' ? {} : { agentHosts: { kind: mode, count: hostCount } }),
  });
  const t0 = performance.now();
  const cpu0 = cpu();
  await cluster.start();
  const startMs = performance.now() - t0;
  const startCpu = cpu() - cpu0;

  const running = new Set();
  let allRunning;
  const done = new Promise((resolve) => (allRunning = resolve));
  const scheduler = await benchScheduler(root, cluster.url, {
    onUpdate: (status) => {
      if (status.state === 'TASK_RUNNING') running.add(status.task_id.value);
      if (status.state !== 'TASK_RUNNING' && status.state !== 'TASK_STARTING')
        console.error(`unexpected ${status.state}: ${status.message}`);
      if (running.size === agents) allRunning();
    },
  });
  const offers = await scheduler.takeOffers(agents);
  const t1 = performance.now();
  const cpu1 = cpu();
  const byAgent = new Map(offers.map((offer) => [offer.agent_id.value, offer]));
  let n = 0;
  await Promise.all(
    [...byAgent.values()].map((offer) => scheduler.launch(offer, [commandTask(`t${n++}`, 'sleep 600', { cpus: 0.1, mem: 32 })])),
  );
  await done;
  const launchMs = performance.now() - t1;
  const launchCpu = cpu() - cpu1;
  await scheduler.settle();
  scheduler.close();
  const t2 = performance.now();
  await cluster.stop();
  const stopMs = performance.now() - t2;
  await rm(workDir, { recursive: true, force: true });
  return { startMs, startCpu, launchMs, launchCpu, stopMs };
}

const results = Object.fromEntries(modes.map((mode) => [mode, []]));
for (let run = 1; run <= runs; run++) {
  for (const mode of modes) {
    const load = machineLoad();
    const r = await once(mode);
    results[mode].push(r);
    console.log(
      `run ${run} ${mode.padEnd(10)} start ${(r.startMs / 1000).toFixed(2)} s (cpu ${r.startCpu.toFixed(2)} s), ` +
        `launch ${(r.launchMs / 1000).toFixed(2)} s (cpu ${r.launchCpu.toFixed(2)} s), stop ${(r.stopMs / 1000).toFixed(2)} s; ${load}`,
    );
  }
}
const fmt = (s, unit, digits = 2) => `${s.min.toFixed(digits)} / ${s.median.toFixed(digits)} / ${s.max.toFixed(digits)} ${unit}`;
console.log(`\n${agents} agents, ${hostCount} hosts, ${runs} runs (min / median / max)`);
for (const mode of modes) {
  const list = results[mode];
  console.log(
    `${mode.padEnd(10)} start ${fmt(spread(list.map((r) => r.startMs / 1000)), 's')}; start cpu ${fmt(spread(list.map((r) => r.startCpu)), 's')}; ` +
      `launch ${fmt(spread(list.map((r) => r.launchMs / 1000)), 's')}; launch cpu ${fmt(spread(list.map((r) => r.launchCpu)), 's')}; ` +
      `stop ${fmt(spread(list.map((r) => r.stopMs / 1000)), 's')}`,
  );
}
