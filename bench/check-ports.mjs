#!/usr/bin/env node
/**
 * End-to-end `check-ports` benchmark: a local HTTP server on 127.0.0.1 plays a Mesos 1.12 master
 * with N generated agents (v1 GET_AGENTS shape), and the real CLI binary checks them. Each run is
 * a fresh process; wall time and the child's peak RSS (from /proc/<pid>/status VmHWM) are reported.
 *
 * Usage: npm run bench:check-ports [-- --agents 10000 --runs 5]
 * Goal (issue): under 2 s and under 300 MB peak for 10,000 agents.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateGetAgentsJson } from './check-ports-cluster.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const agents = arg('--agents', 10_000);
const runs = arg('--runs', 5);

const body = Buffer.from(generateGetAgentsJson(agents));
const version = Buffer.from(JSON.stringify({ type: 'GET_VERSION', get_version: { version_info: { version: '1.12.0' } } }));
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const call = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    res.setHeader('Content-Type', 'application/json');
    res.end(call.type === 'GET_AGENTS' ? body : version);
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();

function peakRssMb(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function once() {
  const start = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [path.join(root, 'bin/alluxio-mesos.js'), 'check-ports', '--master', `127.0.0.1:${port}`, '--json', '--conf-dir', os.tmpdir()],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let peak = 0;
  let bytes = 0;
  child.stdout.on('data', (c) => (bytes += c.length));
  child.stderr.on('data', () => {});
  // Sample the high-water mark until the child exits (VmHWM only grows, so the last read wins).
  const sampler = setInterval(() => {
    peak = Math.max(peak, peakRssMb(child.pid) ?? 0);
  }, 10);
  const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(sampler);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, peak, code, bytes };
}

console.log(
  `check-ports benchmark: ${agents} agents (${(body.length / 1e6).toFixed(1)} MB GET_AGENTS body), ${runs} runs, node ${process.version}, ${os.cpus().length} cores`,
);
const results = [];
for (let i = 0; i < runs; i++) {
  const r = await once();
  results.push(r);
  console.log(
    `run ${i + 1}: ${r.ms.toFixed(0)} ms, peak RSS ${r.peak.toFixed(0)} MB, exit ${r.code}, ${(r.bytes / 1e6).toFixed(1)} MB of JSON out`,
  );
}
const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
console.log(
  `median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, max peak RSS ${Math.max(...results.map((r) => r.peak)).toFixed(0)} MB`,
);
server.close();
