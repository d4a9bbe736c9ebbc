#!/usr/bin/env node
// Startup cost of the CLI against plain `node -e ""` (process start to exit): `--version`, `--help`,
// and `deploy` from process start to its first request at the master (an HTTP server in this
// process that answers nothing: the time is taken when the request arrives, then deploy is killed).
// Interleaved runs, min / median / max, load average. Goal: at most 1.6x `node -e ""` at the median.
// `--against <checkout>` times another build's binary (its `npm run build` done) in the same interleaved
// runs, for a before/after on the same load.
// Usage: npm run bench:startup [-- --runs 40] [-- --against /path/to/other/checkout]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'alluxio-mesos.js');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 30;
const againstArg = process.argv.indexOf('--against');
const againstBin = againstArg > 0 ? path.join(path.resolve(process.argv[againstArg + 1]), 'bin', 'alluxio-mesos.js') : undefined;

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
/** CPU time (user + system) of each run, beside wall time: on a loaded machine wall time mostly measures the load. */
const cpu = {};

function time(args, name) {
  const start = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const [user, system] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
  if (name !== undefined) (cpu[name] ??= []).push((user + system) * 1000);
  return ms;
}

/** `deploy`'s start-up: process spawned -> its first request received by the "master". */
function timeDeployToFirstRequest(confDir, binary = bin, name = DEPLOY) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [binary, 'deploy', '--conf-dir', confDir], { stdio: 'ignore' });
    firstRequest = () => {
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      (cpu[name] ??= []).push(((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS);
      resolve(Number(process.hrtime.bigint() - start) / 1e6);
      child.kill('SIGKILL');
    };
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`deploy exited ${code} before any request`));
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0 ? (sorted[mid - 1] + sorted[mid]) / 2 : sorted[mid];
}

const DEPLOY = 'alluxio-mesos deploy (to its first request)';
const AGAINST_DEPLOY = 'against: deploy (to its first request)';
let firstRequest = () => undefined;
const master = http.createServer((req) => {
  firstRequest();
  req.socket.destroy();
});
await new Promise((resolve) => master.listen(0, '127.0.0.1', resolve));
const dir = mkdtempSync(path.join(os.tmpdir(), 'am-bench-startup-'));
const { writeDemoDistribution } = await import(path.join(root, 'dist/emulator/standin-alluxio/generate.js'));
const demo = await writeDemoDistribution(path.join(dir, 'dist'));
const confDir = path.join(dir, 'conf');
const init = spawnSync(process.execPath, [
  bin,
  'init',
  '--yes',
  '--conf-dir',
  confDir,
  '--master',
  `127.0.0.1:${master.address().port}`,
  '--jar-url',
  'LOCAL',
  '--alluxio-home',
  demo.home,
]);
if (init.status !== 0) throw new Error(`init exited ${init.status}`);

/** A process that only makes the Mesos schema ready (what the scheduler, status and teardown do once). */
function schemaReady(checkout) {
  const descriptors = pathToFileURL(path.join(checkout, 'dist/mesos/protocol/descriptors.js')).href;
  const script = `const { mesosSchema, MessageNames } = await import(${JSON.stringify(descriptors)});
for (const name of Object.values(MessageNames)) mesosSchema().message(name);`;
  return ['--input-type=module', '-e', script];
}

const againstRoot = againstBin === undefined ? undefined : path.dirname(path.dirname(againstBin));
const cases = {
  'node -e ""': ['-e', ''],
  'alluxio-mesos --version': [bin, '--version'],
  'alluxio-mesos --help': [bin, '--help'],
  'Mesos schema ready (in a bare process)': schemaReady(root),
  ...(againstRoot === undefined
    ? {}
    : {
        'against: --version': [againstBin, '--version'],
        'against: --help': [againstBin, '--help'],
        'against: Mesos schema ready': schemaReady(againstRoot),
      }),
};
const deploys = [[bin, DEPLOY], ...(againstBin === undefined ? [] : [[againstBin, AGAINST_DEPLOY]])];
// Warm the file system cache once, then interleave the cases so drift hits all of them alike.
for (const args of Object.values(cases)) time(args);
for (const [binary, name] of deploys) await timeDeployToFirstRequest(confDir, binary, name);
for (const name of Object.keys(cpu)) delete cpu[name];
const samples = Object.fromEntries([...Object.keys(cases), ...deploys.map(([, name]) => name)].map((name) => [name, []]));
const loadBefore = os.loadavg()[0].toFixed(2);
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(cases)) samples[name].push(time(args, name));
  for (const [binary, name] of deploys) samples[name].push(await timeDeployToFirstRequest(confDir, binary, name));
}
master.close();
rmSync(dir, { recursive: true, force: true });
const baseline = median(samples['node -e ""']);
console.log(
  `startup benchmark: ${runs} interleaved runs each, node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, ` +
    `load average ${loadBefore} -> ${os.loadavg()[0].toFixed(2)}`,
);
for (const [name, values] of Object.entries(samples)) {
  const m = median(values);
  const sorted = [...values].sort((a, b) => a - b);
  console.log(
    `${name.padEnd(44)} min / median / max ${sorted[0].toFixed(1)} / ${m.toFixed(1)} / ${sorted[sorted.length - 1].toFixed(1)} ms   ` +
      `ratio (medians) ${(m / baseline).toFixed(2)}x; CPU time median ${median(cpu[name]).toFixed(0)} ms, ratio ${(median(cpu[name]) / median(cpu['node -e ""'])).toFixed(2)}x`,
  );
}
