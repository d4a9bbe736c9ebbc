#!/usr/bin/env node
/**
 * A generated Mesos cluster for the `check-ports` benchmark, in the v1 operator API's GET_AGENTS
 * response shape (ENDPOINT resource format: `role` plus `reservations[]`), with a deterministic mix
 * of port layouts: Mesos' default range only, Alluxio's ports added, several `ports` resources,
 * ports reserved for our role or another, no ports at all, overlapping/unsorted ranges, ports in
 * use, small agents, old versions and inactive agents.
 *
 * As a module:   import { generateGetAgents } from './check-ports-cluster.mjs'
 * Print JSON:    node bench/check-ports-cluster.mjs --print [--agents 10000] > agents.json
 * Time analysis: node bench/check-ports-cluster.mjs [--agents 10000]
 *                (needs the compiled sources: `npm run build`, or CHECK_PORTS_DIST=<outDir>)
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { existsSync } from 'node:fs';

/** mulberry32: tiny, seeded, good enough to pick layouts reproducibly. */
function rng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATIC = (role) => ({ role, reservations: [{ type: 'STATIC', role }] });
const UNRESERVED = { role: '*' };

function scalar(name, value, owner = UNRESERVED) {
  return { name, type: 'SCALAR', scalar: { value }, ...owner };
}

function ports(ranges, owner = UNRESERVED) {
  return { name: 'ports', type: 'RANGES', ranges: { range: ranges.map(([begin, end]) => ({ begin, end })) }, ...owner };
}

const DEFAULT = [[31000, 32000]];
const ALLUXIO = [
  [19998, 19999],
  [29998, 30000],
];

/** The port layouts, with their share of the cluster (shares add up to 1). */
const LAYOUTS = [
  { share: 0.35, name: 'default-only', ports: () => [ports(DEFAULT)] },
  { share: 0.25, name: 'alluxio+default', ports: () => [ports([...ALLUXIO, ...DEFAULT])] },
  { share: 0.1, name: 'several-resources', ports: () => [ports(DEFAULT), ports([[29998, 30000]]), ports([[19998, 19999]])] },
  { share: 0.08, name: 'reserved-for-us', ports: () => [ports(DEFAULT), ports(ALLUXIO, STATIC('alluxio'))] },
  { share: 0.07, name: 'reserved-for-other', ports: () => [ports(DEFAULT), ports(ALLUXIO, STATIC('spark'))] },
  { share: 0.05, name: 'no-ports', ports: () => [] },
  {
    share: 0.1,
    name: 'overlapping-unsorted',
    ports: () => [
      ports([
        [30000, 30005],
        [19999, 19999],
        [29990, 29999],
        [31000, 31500],
        [19998, 19998],
        [31400, 32000],
      ]),
    ],
  },
];

function pickLayout(r) {
  let acc = 0;
  for (const layout of LAYOUTS) {
    acc += layout.share;
    if (r < acc) return layout;
  }
  return LAYOUTS[LAYOUTS.length - 1];
}

/**
 * `{type: 'GET_AGENTS', get_agents: {agents: [...], recovered_agents: []}}` for `count` agents.
 * Same `seed`, same cluster.
 */
export function generateGetAgents(count, { seed = 42 } = {}) {
  const random = rng(seed);
  const agents = [];
  for (let i = 0; i < count; i++) {
    const layout = pickLayout(random());
    const hostname = `agent-${String(i).padStart(5, '0')}.bench.example.com`;
    const small = random() < 0.05;
    const cpus = small ? 1 : [4, 8, 16, 32][Math.floor(random() * 4)];
    const mem = small ? 1024 : cpus * 4096;
    const total = [scalar('cpus', cpus), scalar('mem', mem), scalar('disk', 200000), ...layout.ports()];
    if (random() < 0.1) total.push(scalar('cpus', 2, STATIC('spark')), scalar('mem', 4096, STATIC('spark')));

    const allocated = [];
    const busy = random();
    if (busy < 0.3) {
      const taskCpus = Math.round(random() * (cpus - 0.5) * 10) / 10;
      allocated.push(
        { ...scalar('cpus', taskCpus), allocation_info: { role: 'marathon' } },
        { ...scalar('mem', Math.floor(random() * mem * 0.8)), allocation_info: { role: 'marathon' } },
        { ...ports([[31000 + (i % 900), 31000 + (i % 900) + 2]]), allocation_info: { role: 'marathon' } },
      );
      if (busy < 0.05) allocated.push({ ...ports([[29999, 29999]]), allocation_info: { role: 'marathon' } });
    }
    const offered = random() < 0.2 ? [{ ...ports([[31900, 31999]]), allocation_info: { role: 'marathon' } }] : [];

    const versionRoll = random();
    const version = versionRoll < 0.005 ? '0.22.1' : versionRoll < 0.03 ? '0.28.2' : versionRoll < 0.2 ? '1.4.3' : '1.12.0';
    const octets = [10, (i >> 16) & 255, (i >> 8) & 255, i & 255];
    agents.push({
      agent_info: {
        hostname,
        id: { value: `b8564f73-9862-4214-8536-043f0ff29368-S${i}` },
        port: 5051,
        resources: total.filter((resource) => !resource.allocation_info),
        attributes: [{ name: 'rack', type: 'TEXT', text: { value: `r${i % 40}` } }],
      },
      active: random() >= 0.01,
      deactivated: false,
      version,
      pid: `slave(1)@${octets.join('.')}:5051`,
      registered_time: { nanoseconds: 1795548211177023000 },
      total_resources: total,
      allocated_resources: allocated,
      offered_resources: offered,
      capabilities: [{ type: 'MULTI_ROLE' }, { type: 'HIERARCHICAL_ROLE' }, { type: 'RESERVATION_REFINEMENT' }],
    });
  }
  return { type: 'GET_AGENTS', get_agents: { agents, recovered_agents: [] } };
}

/** The response body as the master would send it. */
export function generateGetAgentsJson(count, options) {
  return JSON.stringify(generateGetAgents(count, options));
}

function argValue(argv, name, fallback) {
  const index = argv.indexOf(name);
  return index === -1 ? fallback : argv[index + 1];
}

const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function timeAnalysis(count) {
  const dist = path.resolve(process.env.CHECK_PORTS_DIST ?? path.join(import.meta.dirname, '..', 'dist'));
  const moduleUrl = (relative) => pathToFileURL(path.join(dist, relative)).href;
  if (!existsSync(path.join(dist, 'checkports', 'analyze.js'))) {
    process.stderr.write(`compiled sources not found in ${dist}; run \`npm run build\` or set CHECK_PORTS_DIST\n`);
    process.exitCode = 2;
    return;
  }
  const { agentsFromGetAgents } = await import(moduleUrl('mesos/client/agents.js'));
  const { fromAgentRecord } = await import(moduleUrl('checkports/from-agent-record.js'));
  const { analyzeCheckPorts } = await import(moduleUrl('checkports/analyze.js'));
  const { renderCheckPortsText } = await import(moduleUrl('checkports/render-text.js'));
  const { defaultCheckPortsRequirements } = await import(moduleUrl('checkports/requirements.js'));

  let body = generateGetAgentsJson(count);
  const bodyMb = mb(body.length);
  const heapBefore = process.memoryUsage().heapUsed;
  const times = {};
  const step = (name, fn) => {
    const start = performance.now();
    const value = fn();
    times[name] = Math.round((performance.now() - start) * 10) / 10;
    return value;
  };
  const total = performance.now();
  // As in the command: the body and the raw JSON are dropped once the records exist.
  let json = step('JSON.parse', () => JSON.parse(body));
  body = undefined;
  const records = step('agentsFromGetAgents', () => agentsFromGetAgents(json, 'bench GET_AGENTS'));
  json = undefined;
  const report = step('analyzeCheckPorts (+suggest)', () =>
    analyzeCheckPorts({
      master: { address: '127.0.0.1:5050', version: '1.12.0' },
      agents: records.map(fromAgentRecord),
      requirements: { ...defaultCheckPortsRequirements('1.x'), masterCount: 3 },
      suggestPorts: true,
    }),
  );
  const text = step('renderCheckPortsText', () => renderCheckPortsText(report, { color: false }));
  const out = step('JSON.stringify(report)', () => JSON.stringify(report));
  const totalMs = Math.round((performance.now() - total) * 10) / 10;
  const memory = process.memoryUsage();

  process.stdout.write(`check-ports analysis over ${count} generated agents (body ${bodyMb} MB)\n`);
  for (const [name, ms] of Object.entries(times)) process.stdout.write(`  ${name.padEnd(30)} ${String(ms).padStart(8)} ms\n`);
  process.stdout.write(`  ${'total'.padEnd(30)} ${String(totalMs).padStart(8)} ms\n`);
  process.stdout.write(
    `  heap used ${mb(memory.heapUsed)} MB (+${mb(memory.heapUsed - heapBefore)} MB), ` +
      `peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB\n`,
  );
  process.stdout.write(
    `  ${report.summary.line}; verdict ${report.verdict.ok ? 'ok' : 'failed'}; ` +
      `${report.fixes.resourcesFlags.length} distinct --resources flags; text ${mb(text.length)} MB, json ${mb(out.length)} MB\n`,
  );
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  const argv = process.argv.slice(2);
  const count = Number(argValue(argv, '--agents', '10000'));
  if (!Number.isInteger(count) || count < 0) {
    process.stderr.write('--agents must be a non-negative integer\n');
    process.exitCode = 2;
  } else if (argv.includes('--print')) {
    process.stdout.write(`${generateGetAgentsJson(count, { seed: Number(argValue(argv, '--seed', '42')) })}\n`);
  } else {
    await timeAnalysis(count);
  }
}
