#!/usr/bin/env node
// The scheduler's hot paths, through the compiled code in dist/ (build first):
//  1. one OFFERS event of 10,000 offers decoded, matched by the reducer and its calls *sent*: every
//     call goes through the scheduler's own dispatcher and HTTP client (kept-alive connections, 16
//     in flight) to a master stand-in in a child process that reads each call and answers 202, and a
//     call counts only once that answer is back (the stand-in's own count is checked against it).
//     When every offer places a worker, when none fits, and when everything is placed (all
//     declined, the steady state). Goal: < 100 ms with protobuf; the JSON figure is given too.
//  2. 100,000 status updates through the reducer: heap after GC before, after, and after as many
//     again (no growth), and peak RSS. Goal: < 100 MB.
// Every figure is min / median / max of --runs runs (after 2 warm-up runs), with the load average,
// and the scheduler side's CPU time (user + system of this process: on a loaded machine wall times
// stretch with the load, CPU time much less).
// Usage: npm run build && node --expose-gc bench/scheduler-offers.mjs [--offers 10000] [--updates 100000] [--runs 7]
import { spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The master stand-in: answers every scheduler call 202 once its body is read; GET /count tells how many. */
if (process.argv.includes('--serve-calls')) {
  let answered = 0;
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    if (req.method === 'GET') {
      res.end(String(answered));
      answered = 0;
      return;
    }
    req.resume();
    req.on('end', () => {
      answered += 1;
      res.writeHead(202, { 'Content-Length': '0' });
      res.end();
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
  process.on('SIGTERM', () => process.exit(0));
  await new Promise(() => undefined);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const load = (file) => import(pathToFileURL(path.join(root, 'dist', ...file.split('/'))).href);
const { decodeEvent, MEDIA_TYPE_JSON, MEDIA_TYPE_PROTOBUF } = await load('mesos/protocol/codec.js');
// The event as a master writes it: the local cluster's codec.
const { encodeEvent } = await load('emulator/mesos-codec/codec.js');
const { createSchedulerState, step } = await load('framework/scheduler/state-machine.js');
const { DEFAULT_TIMING, DEFAULT_HEALTH_CHECK } = await load('framework/scheduler/config.js');
const { emptyLedger } = await load('state/ledger.js');
const { CallDispatcher } = await load('framework/scheduler/call-dispatcher.js');
const { HttpSchedulerClient } = await load('mesos/client/scheduler-client.js');
const { HttpTransport } = await load('mesos/client/http.js');

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}
const offerCount = option('offers', 10_000);
const updateCount = option('updates', 100_000);
const runs = option('runs', 7);

function config(maxWorkers) {
  return {
    role: 'alluxio',
    master: {
      name: 'AlluxioMaster',
      cpus: 1,
      memMb: 1024,
      ports: [19998, 19999],
      rpcPort: 19998,
      webPort: 19999,
      count: 1,
      pinnedHost: undefined,
    },
    worker: { name: 'AlluxioWorker', cpus: 1, memMb: 2048, ports: [29998, 29999, 30000], rpcPort: 29998, max: maxWorkers },
    healthCheck: DEFAULT_HEALTH_CHECK,
    taskIdPrefix: 'alluxio',
    command: (role, master) => ({ shell: true, value: `exec alluxio-${role} ${master}` }),
    timing: DEFAULT_TIMING,
  };
}

/** Offers shaped like a real Mesos 1.12 master's to a MULTI_ROLE framework, one agent each. */
function offer(i) {
  const host = `10.0.${(i >> 8) & 255}.${i & 255}`;
  const resource = (name, extra) => ({ name, ...extra, role: '*', allocation_info: { role: 'alluxio' } });
  return {
    id: { value: `b8564f73-9862-4214-8536-043f0ff29368-O${i}` },
    framework_id: { value: 'fw-bench' },
    agent_id: { value: `b8564f73-9862-4214-8536-043f0ff29368-S${i}` },
    hostname: host,
    url: { scheme: 'http', address: { hostname: host, ip: host, port: 5051 }, path: '/slave(1)' },
    resources: [
      resource('ports', {
        type: 'RANGES',
        ranges: {
          range: [
            { begin: 19998, end: 19999 },
            { begin: 29998, end: 30000 },
            { begin: 31000, end: 32000 },
          ],
        },
      }),
      resource('cpus', { type: 'SCALAR', scalar: { value: 7.9 } }),
      resource('mem', { type: 'SCALAR', scalar: { value: 31744 } }),
      resource('disk', { type: 'SCALAR', scalar: { value: 409600 } }),
    ],
    allocation_info: { role: 'alluxio' },
  };
}

let now = 1_000_000;
let uid = 0;
const newId = () => `u${++uid}`;

/** A subscribed scheduler whose master (on the agent of offer `masterAgent`) is running and healthy. */
function readyScheduler(maxWorkers) {
  const state = createSchedulerState(config(maxWorkers), emptyLedger(), newId);
  step(
    state,
    { type: 'event', event: { type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'fw-bench' }, heartbeat_interval_seconds: 15 } } },
    now,
  );
  const masterOffer = offer(1_000_000);
  const launched = step(state, { type: 'event', event: { type: 'OFFERS', offers: { offers: [masterOffer] } } }, now);
  const accept = launched.actions.find((a) => a.kind === 'call' && a.call.type === 'ACCEPT');
  const taskId = accept.call.accept.operations[0].launch.task_infos[0].task_id.value;
  const status = { task_id: { value: taskId }, agent_id: masterOffer.agent_id, state: 'TASK_RUNNING', healthy: true };
  step(state, { type: 'event', event: { type: 'UPDATE', update: { status } } }, now);
  return state;
}

/** Sends `calls` as the scheduler does and resolves once the master answered every one. */
function sendAll(client, calls) {
  return new Promise((resolve, reject) => {
    if (calls.length === 0) return resolve(0);
    let answered = 0;
    const dispatcher = new CallDispatcher({
      send: async (call, signal) => {
        await client.call(call, 'bench-stream', signal);
        answered += 1;
        if (answered === calls.length) resolve(answered);
      },
      onFailure: (call, error) => reject(new Error(`${call.type} failed: ${error.message}`)),
    });
    for (const call of calls) dispatcher.submit(call);
  });
}

async function answeredAtMaster() {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: sinkPort, path: '/count' }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(Number(body)));
      })
      .on('error', reject);
  });
}

const loadAverage = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

const stats = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `${sorted[0].toFixed(1)} / ${median.toFixed(1)} / ${sorted[sorted.length - 1].toFixed(1)}`;
};

async function measureOffers(label, media, makeState) {
  const body = bodies[media];
  const client = new HttpSchedulerClient(transport, media);
  const times = { decode: [], step: [], send: [], total: [], cpu: [] };
  let answer = '';
  const loadBefore = loadAverage();
  for (let run = 0; run < runs + 2; run += 1) {
    const state = makeState();
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const event = decodeEvent(body, media);
    const t1 = process.hrtime.bigint();
    const { actions } = step(state, { type: 'event', event }, now);
    const t2 = process.hrtime.bigint();
    const calls = actions.filter((action) => action.kind === 'call').map((action) => action.call);
    const answered = await sendAll(client, calls);
    const t3 = process.hrtime.bigint();
    const cpu = process.cpuUsage(cpu0);
    const atMaster = await answeredAtMaster();
    if (atMaster !== calls.length) throw new Error(`${calls.length} calls sent, the master answered ${atMaster}`);
    if (run < 2) continue; // warm-up
    times.decode.push(Number(t1 - t0) / 1e6);
    times.step.push(Number(t2 - t1) / 1e6);
    times.send.push(Number(t3 - t2) / 1e6);
    times.total.push(Number(t3 - t0) / 1e6);
    times.cpu.push((cpu.user + cpu.system) / 1000);
    const types = {};
    for (const call of calls) types[call.type] = (types[call.type] ?? 0) + 1;
    answer = `${answered} calls answered (${Object.entries(types)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')})`;
  }
  console.log(`${label} -> ${answer}; load ${loadBefore} -> ${loadAverage()}`);
  console.log(
    `  decode ${stats(times.decode)} ms | match+answer ${stats(times.step)} ms | calls sent and answered ${stats(times.send)} ms | ` +
      `total ${stats(times.total)} ms; CPU time of this process ${stats(times.cpu)} ms (min / median / max)`,
  );
}

// ---------------------------------------------------------------------------------------------
// 100,000 status updates
// ---------------------------------------------------------------------------------------------
const gc = globalThis.gc;
if (gc === undefined) console.log('(run with node --expose-gc for exact heap figures)');
const heapMb = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1e6;
};

const WORKERS = 100;
const state = readyScheduler(WORKERS);
const workerOffers = Array.from({ length: WORKERS }, (_, i) => offer(i));
const launched = step(state, { type: 'event', event: { type: 'OFFERS', offers: { offers: workerOffers } } }, now).actions;
const workers = launched
  .filter((a) => a.kind === 'call' && a.call.type === 'ACCEPT')
  .map((a) => a.call.accept.operations[0].launch.task_infos[0])
  .map((task) => ({ task_id: task.task_id, agent_id: task.agent_id }));

let actionsSeen = 0;
function feed(count) {
  for (let i = 0; i < count; i += 1) {
    now += 1;
    const worker = workers[i % workers.length];
    // Mostly repeated RUNNING updates to acknowledge, with a health flip now and then.
    const healthy = i % 1000 >= 2;
    const status = { ...worker, state: 'TASK_RUNNING', healthy, uuid: 'YWJjZGVmZ2hpamtsbW5vcA==', source: 'SOURCE_EXECUTOR' };
    actionsSeen += step(state, { type: 'event', event: { type: 'UPDATE', update: { status } } }, now).actions.length;
    if (i % 1000 === 0) step(state, { type: 'tick' }, now);
  }
}

const rssMb = () => process.memoryUsage().rss / 1e6;
const before = heapMb();
const rssBefore = rssMb();
const start = process.hrtime.bigint();
feed(updateCount);
const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
const after = heapMb();
feed(updateCount);
const again = heapMb();
const rssAfter = rssMb();
// Measured before the offers part, which needs far more memory for its 8 MB event.
const peakRss = process.resourceUsage().maxRSS / 1024;
console.log(
  `${updateCount} status updates (${WORKERS} workers): ${elapsed.toFixed(0)} ms (${((elapsed * 1000) / updateCount).toFixed(2)} µs each), ${actionsSeen} actions\n` +
    `heap after GC: before ${before.toFixed(1)} MB, after ${after.toFixed(1)} MB, after ${updateCount} more ${again.toFixed(1)} MB; ` +
    `RSS before ${rssBefore.toFixed(0)} MB, after ${rssAfter.toFixed(0)} MB, peak so far ${peakRss.toFixed(0)} MB (whole process, codec loaded)\n`,
);

const offersEventValue = { type: 'OFFERS', offers: { offers: Array.from({ length: offerCount }, (_, i) => offer(i)) } };
const bodies = {
  [MEDIA_TYPE_JSON]: encodeEvent(offersEventValue, MEDIA_TYPE_JSON),
  [MEDIA_TYPE_PROTOBUF]: encodeEvent(offersEventValue, MEDIA_TYPE_PROTOBUF),
};
const sink = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve-calls'], { stdio: ['ignore', 'pipe', 'inherit'] });
const sinkPort = await new Promise((resolve) => sink.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim()))));
const transport = new HttpTransport({ baseUrl: `http://127.0.0.1:${sinkPort}`, timeoutMs: 60_000 });
console.log(
  `OFFERS event: ${offerCount} offers (JSON ${(bodies[MEDIA_TYPE_JSON].length / 1e6).toFixed(1)} MB, protobuf ${(bodies[MEDIA_TYPE_PROTOBUF].length / 1e6).toFixed(1)} MB), ` +
    `${runs} runs each, calls sent over HTTP to a master stand-in in a child process; node ${process.version}, ${os.cpus().length} cores`,
);
for (const [name, media] of [
  ['protobuf', MEDIA_TYPE_PROTOBUF],
  ['json', MEDIA_TYPE_JSON],
]) {
  await measureOffers(`${name}: all placed, all declined`, media, () => {
    const state = readyScheduler(0);
    step(state, { type: 'tick' }, now);
    return state;
  });
  await measureOffers(`${name}: none fits (worker too big)`, media, () => {
    const state = readyScheduler(undefined);
    state.config.worker.memMb = 1e9;
    return state;
  });
  await measureOffers(`${name}: every offer places a worker`, media, () => readyScheduler(undefined));
}
transport.close();
sink.kill('SIGTERM');
