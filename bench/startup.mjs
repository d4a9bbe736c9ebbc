#!/usr/bin/env node
// Startup cost of the CLI: `alluxio-mesos --version` and `--help` against plain `node -e ""`.
// Usage: npm run bench:startup [-- --runs 40]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'alluxio-mesos.js');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 30;

function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return ms;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0 ? (sorted[mid - 1] + sorted[mid]) / 2 : sorted[mid];
}

const cases = {
  'node -e ""': ['-e', ''],
  'alluxio-mesos --version': [bin, '--version'],
  'alluxio-mesos --help': [bin, '--help'],
};
// Warm the file system cache once, then interleave the cases so drift hits all of them alike.
for (const args of Object.values(cases)) time(args);
const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(cases)) samples[name].push(time(args));
}
const baseline = median(samples['node -e ""']);
console.log(`startup benchmark: ${runs} runs each, node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}`);
for (const [name, values] of Object.entries(samples)) {
  const m = median(values);
  console.log(`${name.padEnd(26)} median ${m.toFixed(1).padStart(6)} ms   ratio ${(m / baseline).toFixed(2)}x`);
}
