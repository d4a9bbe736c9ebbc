#!/usr/bin/env node
/**
 * Benchmark of the local Mesos master (src/emulator/master) with 20 agents:
 *
 *  1. time from SUBSCRIBE to the first OFFERS event (one offer per agent);
 *  2. status updates per second from the agents, through the master, onto the scheduler's
 *     RecordIO stream (goal: >= 5,000/s), without and with the scheduler acknowledging each one
 *     (ACKNOWLEDGE -> master -> agent);
 *  3. the master process's peak memory (VmHWM).
 *
 * The master runs in its own process (so its memory is its own); the 20 agents and the scheduler
 * are minimal in-process speakers of the internal protocol and the v1 scheduler API.
 *
 * Run: npm run build && node bench/local-master.mjs [--agents 20] [--updates 50000] [--acked 20000]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distDir = process.env.LOCAL_MASTER_DIST ?? path.join(root, 'dist');
const dist = (p) => pathToFileURL(path.join(distDir, p)).href;
if (!existsSync(path.join(distDir, 'emulator/master/local-master.js'))) {
  console.error(`bench: ${distDir}/emulator/master/local-master.js is missing; run \`npm run build\` first`);
  process.exit(2);
}
const { RecordIODecoder } = await import(dist('mesos/protocol/recordio.js'));

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const AGENTS = arg('agents', 20);
const UPDATES = arg('updates', 50_000);
const ACKED = arg('acked', 20_000);
const TASKS_PER_AGENT = 50;
const IN_FLIGHT_PER_AGENT = 16;

const uuid = () => Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- the master, in a child process -------------------------------------------------------------
const child = spawn(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `const { LocalMaster } = await import(${JSON.stringify(dist('emulator/master/local-master.js'))});
     const m = new LocalMaster({ host: '127.0.0.1', port: 0, allocationIntervalMs: 1000 });
     await m.start();
     process.stdout.write(m.url + '\\n');
     process.stdin.on('end', () => m.stop().then(() => process.exit(0)));
     process.stdin.resume();`,
  ],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
const masterUrl = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    if (out.includes('\n')) resolve(out.trim());
  });
  child.once('exit', (code) => reject(new Error(`master exited with ${code}`)));
});

function peakRssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    return hwm ? Number(hwm[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

// ---- HTTP plumbing ------------------------------------------------------------------------------
const pool = new http.Agent({ keepAlive: true, maxSockets: 64 });
function post(base, pathname, value, headers = {}) {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(JSON.stringify(value));
    const req = http.request(`${base}${pathname}`, {
      method: 'POST',
      agent: pool,
      headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, ...headers },
    });
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// ---- agents ------------------------------------------------------------------------------------
class BenchAgent {
  constructor(i) {
    this.hostname = `127.0.0.${i + 2}`;
    this.tasks = [];
    this.acks = 0;
    this.onAck = () => {};
  }
  async start() {
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
        if (req.url === '/internal/master/launch') this.tasks.push({ framework: body.framework_id.value, task: body.task.task_id.value });
        if (req.url === '/internal/master/acknowledge') {
          this.acks++;
          this.onAck();
        }
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 2 });
        res.end('{}');
      });
    });
    this.server.keepAliveTimeout = 0;
    await new Promise((r) => this.server.listen(0, this.hostname, r));
    this.port = this.server.address().port;
    const res = await post(masterUrl, '/internal/agent/register', {
      hostname: this.hostname,
      endpoint: `http://${this.hostname}:${this.port}`,
      port: this.port,
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 64 } },
        { name: 'mem', type: 'SCALAR', scalar: { value: 65536 } },
        { name: 'disk', type: 'SCALAR', scalar: { value: 100000 } },
        { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] } },
      ],
      version: '1.12.0',
      tasks: [],
    });
    this.id = JSON.parse(res.body).agent_id.value;
  }
  status(task, state) {
    return {
      agent_id: { value: this.id },
      framework_id: { value: task.framework },
      status: {
        task_id: { value: task.task },
        state,
        source: 'SOURCE_EXECUTOR',
        agent_id: { value: this.id },
        executor_id: { value: task.task },
        timestamp: Date.now() / 1000,
        uuid: uuid(),
        container_status: {
          container_id: { value: `c-${task.task}` },
          network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: this.hostname }] }],
          executor_pid: 4242,
        },
      },
    };
  }
  /** Sends `count` updates, `inFlight` at a time, round-robin over the agent's tasks. */
  async blast(count, inFlight) {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const n = next++;
        const task = this.tasks[n % this.tasks.length];
        const res = await post(masterUrl, '/internal/agent/status', this.status(task, 'TASK_RUNNING'));
        if (res.status !== 200) throw new Error(`status update -> ${res.status} ${res.body}`);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
  }
  async stop() {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

// ---- scheduler ---------------------------------------------------------------------------------
function subscribe() {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(
      JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'bench', name: 'bench', failover_timeout: 0 } } }),
    );
    const req = http.request(`${masterUrl}/api/v1/scheduler`, {
      method: 'POST',
      agent: false,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': body.length },
    });
    req.on('response', (res) => {
      const decoder = new RecordIODecoder({ maxRecordBytes: 64 * 1024 * 1024 });
      const s = { streamId: res.headers['mesos-stream-id'], frameworkId: undefined, res, listeners: new Set() };
      res.on('data', (chunk) => {
        for (const record of decoder.feed(chunk)) {
          const event = JSON.parse(record.toString('utf8'));
          if (event.type === 'SUBSCRIBED') s.frameworkId = event.subscribed.framework_id.value;
          for (const l of s.listeners) l(event);
        }
      });
      resolve(s);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function call(s, type, fields) {
  return post(
    masterUrl,
    '/api/v1/scheduler',
    { framework_id: { value: s.frameworkId }, type, ...fields },
    { 'Mesos-Stream-Id': s.streamId },
  );
}

// ---- run ---------------------------------------------------------------------------------------
const agents = [];
for (let i = 0; i < AGENTS; i++) {
  const a = new BenchAgent(i);
  await a.start();
  agents.push(a);
}

const t0 = performance.now();
let firstOffers;
const offers = [];
const sched = await subscribe();
await new Promise((resolve) => {
  const l = (e) => {
    if (e.type !== 'OFFERS') return;
    if (firstOffers === undefined) firstOffers = performance.now() - t0;
    offers.push(...e.offers.offers);
    if (offers.length >= AGENTS) {
      sched.listeners.delete(l);
      resolve();
    }
  };
  sched.listeners.add(l);
});

// Launch TASKS_PER_AGENT tasks on every agent.
for (const offer of offers) {
  const tasks = Array.from({ length: TASKS_PER_AGENT }, (_, k) => ({
    name: `t-${offer.agent_id.value}-${k}`,
    task_id: { value: `t-${offer.agent_id.value.slice(-4)}-${k}` },
    agent_id: offer.agent_id,
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 32 } },
    ],
    command: { shell: true, value: 'true' },
  }));
  const res = await call(sched, 'ACCEPT', {
    accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }] },
  });
  if (res.status !== 202) throw new Error(`ACCEPT -> ${res.status} ${res.body}`);
}
while (agents.some((a) => a.tasks.length < TASKS_PER_AGENT)) await sleep(10);

async function measure(total, acknowledge) {
  const perAgent = Math.floor(total / AGENTS);
  const expected = perAgent * AGENTS;
  let received = 0;
  let acksDone = 0;
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  const pendingAcks = [];
  const onEvent = (e) => {
    if (e.type !== 'UPDATE') return;
    received++;
    if (acknowledge) {
      const s = e.update.status;
      pendingAcks.push(call(sched, 'ACKNOWLEDGE', { acknowledge: { agent_id: s.agent_id, task_id: s.task_id, uuid: s.uuid } }));
    } else if (received === expected) resolveDone();
  };
  if (acknowledge) {
    for (const a of agents) {
      a.acks = 0;
      a.onAck = () => {
        acksDone++;
        if (acksDone === expected) resolveDone();
      };
    }
  }
  sched.listeners.add(onEvent);
  const start = performance.now();
  // A stall (lost message, broken stream) must end the bench, not hang it.
  let last = -1;
  const watchdog = setInterval(() => {
    const progress = received + acksDone;
    if (progress === last) {
      console.error(`bench: no progress for 30 s (${received} updates received, ${acksDone} acks at agents, ${expected} expected)`);
      process.exit(1);
    }
    last = progress;
  }, 30_000);
  await Promise.all(agents.map((a) => a.blast(perAgent, acknowledge ? 4 : IN_FLIGHT_PER_AGENT)));
  await done;
  clearInterval(watchdog);
  const seconds = (performance.now() - start) / 1000;
  sched.listeners.delete(onEvent);
  await Promise.all(pendingAcks);
  for (const a of agents) a.onAck = () => {};
  return { count: expected, seconds, rate: expected / seconds };
}

const forwarded = await measure(UPDATES, false);
const acked = await measure(ACKED, true);
const peak = peakRssMb(child.pid);

sched.res.destroy();
for (const a of agents) await a.stop();
pool.destroy();
child.stdin.end();
await new Promise((r) => child.once('exit', r));

const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(`local master bench (${AGENTS} agents, ${AGENTS * TASKS_PER_AGENT} tasks)`);
console.log(`  SUBSCRIBE -> first OFFERS:           ${firstOffers.toFixed(1)} ms (${offers.length} offers)`);
console.log(
  `  status updates -> scheduler:         ${fmt(forwarded.rate)} /s (${fmt(forwarded.count)} in ${forwarded.seconds.toFixed(2)} s; goal >= 5,000/s)`,
);
console.log(
  `  ... with every update acknowledged:  ${fmt(acked.rate)} /s (${fmt(acked.count)} in ${acked.seconds.toFixed(2)} s; ack reached the agent)`,
);
console.log(`  master peak RSS (VmHWM):             ${peak.toFixed(1)} MB`);
