#!/usr/bin/env node
// Startup cost of the CLI against plain `node -e ""` (process start to exit): `--version`, `--help`,
// and `deploy` from process start to its first request at the master (an HTTP server in this
// process that answers nothing: the time is taken when the request arrives, then deploy is killed).
// Interleaved runs, min / median / max, load average. Goal: at most 1.6x `node -e ""` at the median.
// `--against <checkout>` times another build's binary (its `npm run build` done) in the same interleaved
// runs, for a before/after on the same load.
// The CLI keeps a V8 code cache of its bundle (src/cli/code-cache.ts) that a command writes once it
// has run for a second: the warm-up runs let each case write it, as any earlier use would have, and
// `deploy` is also timed with the cache off (NODE_DISABLE_COMPILE_CACHE=1: a first run, or a Node
// version whose cache is not written yet).
// CPU time: task-clock from `perf stat` when perf works here (nanoseconds), else /usr/bin/time
// (10 ms steps); for `deploy`, /proc/PID/schedstat at its first request.
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

/** CPU time (user + system) of each run, beside wall time: on a loaded machine wall time mostly measures the load. */
const cpu = {};
const perfWorks = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', 'true'], { encoding: 'utf8' }).status === 0;

/** Runs node with `args` to its exit: wall ms, and its CPU ms recorded under `name`. */
function time(args, name, env = process.env) {
  const [command, prefix] = perfWorks ? ['perf', ['stat', '-x,', '-e', 'task-clock']] : ['/usr/bin/time', ['-f', '%U %S']];
  const start = process.hrtime.bigint();
  const result = spawnSync(command, [...prefix, process.execPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const last = result.stderr.trim().split('\n').pop();
  const cpuMs = perfWorks
    ? Number(last.split(',')[0])
    : last
        .split(' ')
        .map(Number)
        .reduce((a, b) => a + b, 0) * 1000;
  if (name !== undefined) (cpu[name] ??= []).push(cpuMs);
  return ms;
}

/**
 * `deploy`'s start-up: process spawned -> its first request received by the "master". `lingerMs`:
 * how long it may go on after that before it is killed (the warm-up's, so that it writes its code cache).
 */
function timeDeployToFirstRequest(confDir, binary, name, { env = process.env, lingerMs = 0 } = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [binary, 'deploy', '--conf-dir', confDir], { stdio: 'ignore', env });
    firstRequest = () => {
      // The first field of schedstat: nanoseconds this process (all its threads' leader) ran on a CPU.
      (cpu[name] ??= []).push(Number(readFileSync(`/proc/${child.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
      firstRequest = () => undefined;
      resolve(Number(process.hrtime.bigint() - start) / 1e6);
      if (lingerMs === 0) child.kill('SIGKILL');
      else setTimeout(() => child.kill('SIGKILL'), lingerMs);
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
const DEPLOY_COLD = 'deploy, code cache off (first run)';
const AGAINST_DEPLOY = 'against: deploy (to its first request)';
const NO_CODE_CACHE = { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' };
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
const deploys = [
  [bin, DEPLOY, {}],
  [bin, DEPLOY_COLD, { env: NO_CODE_CACHE }],
  ...(againstBin === undefined ? [] : [[againstBin, AGAINST_DEPLOY, {}]]),
];
// Warm the file system cache (and let each case write its code cache), then interleave the cases so
// drift hits all of them alike.
for (const args of Object.values(cases)) time(args);
for (const [binary, name, options] of deploys) {
  await timeDeployToFirstRequest(confDir, binary, name, { ...options, lingerMs: 1500 });
  await new Promise((resolve) => setTimeout(resolve, 1600));
}
for (const name of Object.keys(cpu)) delete cpu[name];
const samples = Object.fromEntries([...Object.keys(cases), ...deploys.map(([, name]) => name)].map((name) => [name, []]));
const loadBefore = os.loadavg()[0].toFixed(2);
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(cases)) samples[name].push(time(args, name));
  for (const [binary, name, options] of deploys) samples[name].push(await timeDeployToFirstRequest(confDir, binary, name, options));
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
