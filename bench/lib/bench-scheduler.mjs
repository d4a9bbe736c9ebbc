/**
 * A minimal v1 HTTP scheduler (JSON) for the local-cluster benchmarks: it subscribes, accepts offers
 * by launching tasks, acknowledges every status update that asks for it (an ACKNOWLEDGE counts once
 * the master answered 202), and reports each update to a listener. Its calls go pipelined on one
 * kept-alive connection (the ACKNOWLEDGEs of one turn's updates in one write); the SUBSCRIBE stream
 * has its own.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import readline from 'node:readline';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PipelinedConnection } from './pipelined-http.mjs';

export async function benchScheduler(root, masterUrl, { name = 'bench', onUpdate = () => {} } = {}) {
  const { RecordIODecoder } = await import(pathToFileURL(path.join(root, 'dist/mesos/protocol/recordio.js')).href);
  const connection = new PipelinedConnection(new URL(masterUrl).host);
  const offerWaiters = [];
  const offers = [];
  let streamId;
  let frameworkId;
  let response;
  const pending = new Set();
  const calls = { sent: 0, answered: 0, failed: 0, refusals: {} };

  function call(type, fields) {
    const body = Buffer.from(JSON.stringify({ framework_id: { value: frameworkId }, type, ...fields }));
    calls.sent++;
    const headers = { 'Content-Type': 'application/json', 'Mesos-Stream-Id': streamId };
    const answered = connection.request('POST', '/api/v1/scheduler', headers, body).then(
      (answer) => {
        if (answer.status !== 202 && process.env.BENCH_DEBUG) console.error(type, answer.status, answer.body.toString());
        if (answer.status === 202) calls.answered++;
        else {
          calls.failed++;
          const key = `${type} ${answer.status}`;
          calls.refusals[key] = (calls.refusals[key] ?? 0) + 1;
        }
        return answer.status;
      },
      () => {
        calls.failed++;
        return 0;
      },
    );
    pending.add(answered);
    void answered.then(() => pending.delete(answered));
    return answered;
  }

  function onEvent(event) {
    if (event.type === 'SUBSCRIBED') frameworkId = event.subscribed.framework_id.value;
    if (event.type === 'OFFERS') {
      offers.push(...event.offers.offers);
      for (const waiter of offerWaiters.splice(0)) waiter();
    }
    if (event.type === 'UPDATE') {
      const status = event.update.status;
      onUpdate(status);
      if (status.uuid !== undefined) {
        void call('ACKNOWLEDGE', { acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } });
      }
    }
  }

  await new Promise((resolve, reject) => {
    const body = Buffer.from(
      JSON.stringify({
        type: 'SUBSCRIBE',
        subscribe: { framework_info: { user: 'root', name, failover_timeout: 0, capabilities: [{ type: 'TASK_KILLING_STATE' }] } },
      }),
    );
    const req = http.request(`${masterUrl}/api/v1/scheduler`, {
      method: 'POST',
      agent: false,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': body.length },
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SUBSCRIBE -> ${res.statusCode}`));
      response = res;
      streamId = res.headers['mesos-stream-id'];
      const decoder = new RecordIODecoder({ maxRecordBytes: 64 * 1024 * 1024 });
      res.on('data', (chunk) => {
        for (const record of decoder.feed(chunk)) {
          const event = JSON.parse(record.toString('utf8'));
          onEvent(event);
          if (event.type === 'SUBSCRIBED') resolve();
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });

  return {
    calls,
    get frameworkId() {
      return frameworkId;
    },
    /** Waits until offers from `count` distinct agents are held, then hands them over (and forgets them). */
    async takeOffers(count) {
      for (;;) {
        const agents = new Set(offers.map((offer) => offer.agent_id.value));
        if (agents.size >= count) return offers.splice(0);
        await new Promise((resolve) => offerWaiters.push(resolve));
      }
    },
    /** ACCEPTs one offer, launching `tasks` (TaskInfos without agent_id: it is filled in). */
    launch(offer, tasks) {
      const taskInfos = tasks.map((task) => ({ ...task, agent_id: offer.agent_id }));
      return call('ACCEPT', {
        accept: {
          offer_ids: [offer.id],
          operations: [{ type: 'LAUNCH', launch: { task_infos: taskInfos } }],
          filters: { refuse_seconds: 0.001 },
        },
      });
    },
    revive: () => call('REVIVE', {}),
    teardown: () => call('TEARDOWN', {}),
    /** Resolves once every call sent so far has its answer. */
    async settle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    close() {
      response?.destroy();
      connection.close();
    },
  };
}

/** A task of `cpus` and `mem` running `command` under `sh -c`. */
export function commandTask(id, command, { cpus = 0.01, mem = 1 } = {}) {
  return {
    name: id,
    task_id: { value: id },
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: cpus } },
      { name: 'mem', type: 'SCALAR', scalar: { value: mem } },
    ],
    command: { shell: true, value: command },
  };
}

/**
 * A task of `cpus` and `mem` for the custom executor `executorId`: bench/lib/bench-executor.mjs,
 * started once per agent and executor id, holding 0.1 cpu and 32 MB itself. `data` (a string) is
 * handed to the executor (base64), e.g. "wait" to keep the task RUNNING until killed.
 */
export function executorTask(id, executorId, { cpus = 0.01, mem = 1, data } = {}) {
  const executorPath = path.join(path.dirname(new URL(import.meta.url).pathname), 'bench-executor.mjs');
  return {
    name: id,
    task_id: { value: id },
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: cpus } },
      { name: 'mem', type: 'SCALAR', scalar: { value: mem } },
    ],
    executor: {
      type: 'CUSTOM',
      executor_id: { value: executorId },
      name: 'bench executor',
      command: { shell: false, value: process.execPath, arguments: [process.execPath, executorPath] },
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
        { name: 'mem', type: 'SCALAR', scalar: { value: 32 } },
      ],
    },
    ...(data === undefined ? {} : { data: Buffer.from(data).toString('base64') }),
  };
}

/** CPU seconds (user + system) this process and its agent-host child processes have used so far (/proc). */
export function clusterCpuSeconds() {
  const own = process.cpuUsage();
  let hosts = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== process.pid) continue;
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('host-main.js')) continue;
      hosts += (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ
    } catch {
      // gone
    }
  }
  return { own: (own.user + own.system) / 1e6, hosts };
}

/** The one-minute load average and the number of cores, for every report. */
export function machineLoad() {
  const [one] = os.loadavg();
  return `load ${one.toFixed(2)} on ${os.availableParallelism()} cores`;
}

/** Minimum, median and maximum of a list of numbers. */
export function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor((sorted.length - 1) / 2)], max: sorted[sorted.length - 1] };
}

/** A `kB` field of /proc/PID/status (VmRSS, VmHWM), in MB; 0 once the process is gone. */
export function statusField(pid, field) {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The cluster process and its agent hosts (the node children running host-main.js). */
export function clusterPids(pid) {
  const pids = [pid];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('host-main.js')) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/** How many processes have their working directory under `dir` (task processes in their sandboxes). */
export function processesUnder(dir) {
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) count++;
    } catch {
      // gone
    }
  }
  return count;
}

/**
 * Starts `alluxio-mesos local-cluster --port 0 --json ARGS` as a user would and resolves with the
 * process and its `ready` record once every agent is registered. `cpuProfileDir`: see below.
 */
export async function startLocalClusterCli(root, args, cpuProfileDir) {
  // With a profile directory, the cluster process and its agent hosts (which take the flags over)
  // each write a V8 CPU profile there when they exit.
  const profile = cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`];
  const cli = [path.join(root, 'bin/alluxio-mesos.js'), 'local-cluster', '--port', '0', '--json', ...args];
  const child = spawn(process.execPath, [...profile, ...cli], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  const ready = await new Promise((resolve, reject) => {
    lines.once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', (code) => reject(new Error(`local-cluster exited with ${code}`)));
  });
  return { child, ready };
}
