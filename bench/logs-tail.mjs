#!/usr/bin/env node
/**
 * `logs` benchmark. A child process serves a sandbox with the local cluster agent's files API
 * (Mesos 1.12 semantics: 64 KiB /files/read cap, /files/download) on 127.0.0.1, and this process
 * uses the logs engine from dist/ against it:
 *
 * 1. the last 100 lines of a 1 GiB file (sparse except for its last 2 MiB of text): time and bytes
 *    read (goal: under 200 ms, without reading the file);
 * 2. a whole 256 MiB file as `logs --file stdout --lines all` reads it (streamed /files/download,
 *    decoded into lines and rendered), the same through sequential 64 KiB /files/read calls, and
 *    `curl` on /files/download of the same file, in process (the engine alone);
 * 3. end to end, both as whole processes: `alluxio-mesos logs master-1 --file stdout --lines all`
 *    (process start, task lookup at the master, sandbox lookup at the agent, download, output to
 *    /dev/null) against `curl -o /dev/null` on the agent's /files/download of the same 256 MiB
 *    stdout, interleaved. The task is a real one: the stand-in Alluxio master deployed by `deploy`
 *    on a `local-cluster` of one agent in a child process. Goal: at least 60% of curl's throughput.
 *
 * Every timing is min / median / max over --runs runs, with the load average.
 * Usage: npm run bench:logs [-- --runs 5 --mib 256]   (LOGS_BENCH_DIST=<dir> to use another build;
 *        --end-to-end-only --against <checkout>: that build's `logs` in the same interleaved runs)
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync, ftruncateSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { VIRTUAL, numberArg, serve } from './files-api-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.resolve(process.env.LOGS_BENCH_DIST ?? path.join(root, 'dist'));
const load = (module) => import(pathToFileURL(path.join(dist, module)).href);

/** Lines of ~100 bytes with some multi-byte text, `bytes` long in total. */
function textBlock(bytes, seed) {
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `I1124 20:${String((seed + i) % 60).padStart(2, '0')}:00.000 worker.cpp:${i % 997}] block ${seed}-${i} stored ✓ 日本 ${'x'.repeat(i % 40)}\n`;
    parts.push(line);
    size += Buffer.byteLength(line);
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

function makeFiles(dir, mib) {
  mkdirSync(path.join(dir, 'logs'));
  const tailText = textBlock(2 * 1024 * 1024, 1);
  const big = openSync(path.join(dir, 'logs', 'huge.log'), 'w');
  const gib = 1024 * 1024 * 1024;
  ftruncateSync(big, gib - tailText.length);
  writeSync(big, tailText, 0, tailText.length, gib - tailText.length);
  closeSync(big);
  const block = textBlock(8 * 1024 * 1024, 2);
  const stdout = openSync(path.join(dir, 'stdout'), 'w');
  for (let written = 0; written < mib * 1024 * 1024; written += block.length) writeSync(stdout, block);
  closeSync(stdout);
}

async function startServer(dir) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env },
  });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (data) => resolve(Number(String(data).trim())));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, port };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const spread = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted[0].toFixed(0)} / ${median(values).toFixed(0)} / ${sorted[sorted.length - 1].toFixed(0)} ms`;
};
const loadAverage = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

/** Runs a whole process with its stdout to /dev/null; resolves with its wall time in ms. */
function timeProcess(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code) =>
      code === 0 ? resolve(performance.now() - start) : reject(new Error(`${command} exited ${code}: ${stderr}`)),
    );
  });
}

async function untilOk(what, probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** `--against <checkout>`: that build's `logs` is timed too, in the same interleaved runs (a before/after on the same load). */
const againstArg = process.argv.indexOf('--against');
const againstBin = againstArg > 0 ? path.join(path.resolve(process.argv[againstArg + 1]), 'bin', 'alluxio-mesos.js') : undefined;

/** Section 3: `logs --lines all` and curl, both as whole processes, against a real deployed task. */
async function endToEnd(runs, mib) {
  const bin = path.join(root, 'bin/alluxio-mesos.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logs-e2e-bench-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const master = `127.0.0.1:${port}`;
  const children = [];
  try {
    const { writeDemoDistribution } = await load('emulator/standin-alluxio/generate.js');
    const demo = await writeDemoDistribution(path.join(dir, 'dist'));
    const cluster = spawn(
      process.execPath,
      [bin, 'local-cluster', '--agents', '1', '--port', String(port), '--work-dir', path.join(dir, 'mesos')],
      {
        stdio: 'ignore',
      },
    );
    children.push(cluster);
    await untilOk('the local cluster', async () => ((await fetch(`http://${master}/version`)).ok ? true : undefined));
    const conf = path.join(dir, 'conf');
    const init = spawnSync(
      process.execPath,
      [
        bin,
        'init',
        '--yes',
        '--conf-dir',
        conf,
        '--master',
        master,
        '--jar-url',
        'LOCAL',
        '--alluxio-home',
        demo.home,
        '--max-workers',
        '1',
      ],
      {
        encoding: 'utf8',
      },
    );
    if (init.status !== 0) throw new Error(`init exited ${init.status}: ${init.stderr}`);
    const deploy = spawn(process.execPath, [bin, 'deploy', '--conf-dir', conf, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(deploy);
    await new Promise((resolve, reject) => {
      let buffered = '';
      deploy.stdout.on('data', (chunk) => {
        buffered += chunk;
        if (buffered.includes('"master-ready"')) resolve();
      });
      deploy.once('exit', (code) => reject(new Error(`deploy exited ${code}`)));
    });
    const state = await (await fetch(`http://${master}/master/state`)).json();
    const agent = state.slaves[0];
    const agentUrl = `http://${agent.hostname}:${agent.port}`;
    const found = spawnSync(
      'find',
      [path.join(dir, 'mesos'), '-path', '*alluxio-master-1*/runs/*', '-name', 'stdout', '-not', '-path', '*/latest/*'],
      {
        encoding: 'utf8',
      },
    );
    const stdoutPath = found.stdout.split('\n').find(Boolean);
    if (stdoutPath === undefined) throw new Error('no stdout of master-1 found');
    const block = textBlock(8 * 1024 * 1024, 3);
    const fd = openSync(stdoutPath, 'a');
    for (let written = 0; written < mib * 1024 * 1024; written += block.length) writeSync(fd, block);
    closeSync(fd);
    const downloadUrl = `${agentUrl}/files/download?path=${encodeURIComponent(stdoutPath)}`;

    const logsTimes = [];
    const curlTimes = [];
    const againstTimes = [];
    const loadBefore = loadAverage();
    for (let i = 0; i < runs + 1; i++) {
      const logsMs = await timeProcess(process.execPath, [
        bin,
        'logs',
        'master-1',
        '--conf-dir',
        conf,
        '--file',
        'stdout',
        '--lines',
        'all',
      ]);
      const curlMs = await timeProcess('curl', ['-sS', '-o', '/dev/null', downloadUrl]);
      const againstMs =
        againstBin === undefined
          ? undefined
          : await timeProcess(process.execPath, [againstBin, 'logs', 'master-1', '--conf-dir', conf, '--file', 'stdout', '--lines', 'all']);
      if (i === 0) continue; // warm-up: page cache, the agent's JIT
      logsTimes.push(logsMs);
      curlTimes.push(curlMs);
      if (againstMs !== undefined) againstTimes.push(againstMs);
    }
    const size = statSync(stdoutPath).size;
    process.stdout.write(
      `end to end, whole processes, ${(size / 1024 / 1024).toFixed(0)} MiB stdout of a deployed task (${runs} interleaved runs, load ${loadBefore} -> ${loadAverage()}, min / median / max):\n`,
    );
    process.stdout.write(
      `  alluxio-mesos logs master-1 --file stdout --lines all > /dev/null: ${spread(logsTimes)} (${mbps(size, median(logsTimes)).toFixed(0)} MiB/s)\n`,
    );
    process.stdout.write(
      `  curl -o /dev/null <agent>/files/download:                         ${spread(curlTimes)} (${mbps(size, median(curlTimes)).toFixed(0)} MiB/s)\n`,
    );
    process.stdout.write(
      `  logs reaches ${((median(curlTimes) / median(logsTimes)) * 100).toFixed(0)}% of curl's throughput at the median ` +
        `(${((Math.min(...curlTimes) / Math.min(...logsTimes)) * 100).toFixed(0)}% best to best) — goal >= 60%\n`,
    );
    if (againstTimes.length > 0) {
      process.stdout.write(
        `  against: the same logs command of ${againstBin}: ${spread(againstTimes)} (${mbps(size, median(againstTimes)).toFixed(0)} MiB/s, ` +
          `${((median(curlTimes) / median(againstTimes)) * 100).toFixed(0)}% of curl's throughput at the median)\n`,
      );
    }
  } finally {
    for (const child of children.reverse()) {
      child.kill('SIGINT');
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', resolve)));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
const mbps = (bytes, ms) => bytes / 1024 / 1024 / (ms / 1000);

async function main() {
  const runs = numberArg('--runs', 5);
  const mib = numberArg('--mib', 256);
  const { AgentFilesClient, readRange, MAX_READ_BYTES } = await load('logs/files-client.js');
  const { tailLines } = await load('logs/tail.js');
  const { printTails } = await load('logs/engine.js');
  const { Utf8LineDecoder } = await load('logs/utf8-lines.js');
  const { TextLogWriter, NdjsonLogWriter } = await load('logs/render.js');
  const { HttpTransport } = await load('mesos/client/http.js');
  const { endpointNames, parseMesosVersion } = await load('mesos/client/version.js');

  const dir = mkdtempSync(path.join(os.tmpdir(), 'logs-bench-'));
  let server;
  try {
    process.stdout.write(`generating a 1 GiB sparse log and a ${mib} MiB stdout in ${dir} ...\n`);
    makeFiles(dir, mib);
    server = await startServer(dir);
    const baseUrl = `http://127.0.0.1:${server.port}`;
    const transport = new HttpTransport({ baseUrl, timeoutMs: 60_000 });
    const client = new AgentFilesClient({ transport, endpoints: endpointNames(parseMesosVersion('1.12.0')).agent });

    // 1. Tail of a 1 GiB file.
    const tailTimes = [];
    let tail;
    for (let i = 0; i < runs + 1; i++) {
      const start = performance.now();
      tail = await tailLines(client, `${VIRTUAL}/logs/huge.log`, 100);
      if (i > 0) tailTimes.push(performance.now() - start); // the first run warms up the JIT
    }
    process.stdout.write(
      `tail -n 100 of a ${(tail.size / 1024 / 1024 / 1024).toFixed(2)} GiB file: median ${median(tailTimes).toFixed(1)} ms, best ${Math.min(...tailTimes).toFixed(1)} ms ` +
        `over ${runs} runs; ${tail.lines.length} lines, ${tail.bytesRead} bytes read (${((tail.bytesRead / tail.size) * 100).toFixed(4)}% of the file) — goal < 200 ms\n`,
    );

    // 2. Throughput of a whole file.
    const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const path256 = `${VIRTUAL}/stdout`;
    const size = await client.size(path256);

    // Exactly what `logs worker-1 --file stdout --lines all` runs once the sandbox is found.
    const version = parseMesosVersion('1.12.0');
    const opened = {
      task: {
        taskId: 'worker-1',
        name: 'Alluxio Worker',
        state: 'TASK_RUNNING',
        frameworkId: 'bench-fw',
        agentId: 'S0',
        executorId: undefined,
        agentHost: '127.0.0.1',
        startedAt: undefined,
        alias: 'worker-1',
      },
      label: 'worker-1',
      files: client,
      location: { path: VIRTUAL, virtual: true, agentVersion: version, endpoints: endpointNames(version).agent },
    };
    // Interleaved with curl so that both see the same load on a shared machine.
    const hasCurl = spawnSync('curl', ['--version']).status === 0;
    const downloadTimes = [];
    const curlTimes = [];
    for (let i = 0; i < Math.max(3, runs); i++) {
      const start = performance.now();
      await printTails([opened], { file: ['stdout'] }, { lines: Number.POSITIVE_INFINITY, writer: new TextLogWriter(sink, false) });
      downloadTimes.push(performance.now() - start);
      if (hasCurl) {
        const curlStart = performance.now();
        const result = spawnSync('curl', ['-sS', '-o', '/dev/null', `${baseUrl}/files/download?path=${encodeURIComponent(path256)}`]);
        if (result.status !== 0) throw new Error(`curl failed: ${result.stderr}`);
        curlTimes.push(performance.now() - curlStart);
      }
    }
    const ndjsonStart = performance.now();
    await printTails([opened], { file: ['stdout'] }, { lines: Number.POSITIVE_INFINITY, writer: new NdjsonLogWriter(sink) });
    const ndjsonMs = performance.now() - ndjsonStart;

    const readStart = performance.now();
    const decoder = new Utf8LineDecoder();
    const readWriter = new TextLogWriter(sink, false);
    const step = 4 * MAX_READ_BYTES;
    for (let offset = 0; offset < size; offset += step) {
      readWriter.write('worker-1', 'stdout', decoder.push(await readRange(client, path256, offset, Math.min(step, size - offset))));
    }
    const readMs = performance.now() - readStart;

    const curlMs = hasCurl ? median(curlTimes) : undefined;
    const downloadMs = median(downloadTimes);
    process.stdout.write(
      `whole ${(size / 1024 / 1024).toFixed(0)} MiB file (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores):\n`,
    );
    process.stdout.write(
      `  logs (--lines all, /files/download): ${downloadMs.toFixed(0)} ms = ${mbps(size, downloadMs).toFixed(0)} MiB/s\n`,
    );
    process.stdout.write(
      `  logs --json (same, one NDJSON record per line): ${ndjsonMs.toFixed(0)} ms = ${mbps(size, ndjsonMs).toFixed(0)} MiB/s\n`,
    );
    process.stdout.write(`  /files/read loop (64 KiB JSON reads): ${readMs.toFixed(0)} ms = ${mbps(size, readMs).toFixed(0)} MiB/s\n`);
    if (curlMs === undefined) {
      process.stdout.write('  curl: not installed, no comparison\n');
    } else {
      process.stdout.write(`  curl /files/download -o /dev/null:    ${curlMs.toFixed(0)} ms = ${mbps(size, curlMs).toFixed(0)} MiB/s\n`);
      process.stdout.write(
        `  logs reaches ${((curlMs / downloadMs) * 100).toFixed(0)}% of curl's throughput (medians of ${downloadTimes.length} interleaved runs) — goal >= 60%\n`,
      );
    }
    transport.close();
  } finally {
    server?.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  await endToEnd(runs, mib);
}

if (process.argv[2] === '--serve') {
  await serve(dist, process.argv[3]);
} else if (process.argv.includes('--end-to-end-only')) {
  await endToEnd(numberArg('--runs', 5), numberArg('--mib', 256));
} else {
  await main();
}
