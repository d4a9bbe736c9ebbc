#!/usr/bin/env node
/**
 * Whole-file download over `/files/download`, as `logs --lines all` and `logs --bundle` fetch a
 * sandbox file: the product's path (`AgentFilesClient.download`, which streams through the HTTP
 * transport) against two baselines on the same file, a plain `node:http` GET (what any Node
 * client pays) and `curl -o /dev/null` (when installed). A child process serves the file with the
 * local cluster agent's files API on 127.0.0.1; this process drains each body without decoding it.
 * The ways run interleaved so that they see the same load; run 0 warms up and is discarded.
 * Prints min/median/max per way and the load average before and after.
 *
 * Usage: npm run bench:logs-download -- [--runs 7 --mib 256]
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { VIRTUAL, numberArg, serve } from './files-api-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const load = (module) => import(pathToFileURL(path.join(root, 'dist', module)).href);

async function drain(body) {
  let bytes = 0;
  for await (const chunk of body) bytes += chunk.length;
  return bytes;
}

/** One GET with nothing of ours in between: the floor for any Node client. */
function plainGet(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`plain GET answered ${response.statusCode}`));
        drain(response).then(resolve, reject);
      })
      .on('error', reject);
  });
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
};

const loadAverage = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

async function main() {
  const runs = numberArg('--runs', 7);
  const mib = numberArg('--mib', 256);
  const { AgentFilesClient } = await load('logs/files-client.js');
  const { HttpTransport } = await load('mesos/client/http.js');
  const { endpointNames, parseMesosVersion } = await load('mesos/client/version.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'download-bench-'));
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const block = Buffer.alloc(8 * 1024 * 1024, 'I1124 20:00:00.000 worker.cpp:1] block stored\n');
    const fd = openSync(path.join(dir, 'stdout'), 'w');
    for (let written = 0; written < mib * 1024 * 1024; written += block.length) writeSync(fd, block);
    closeSync(fd);
    const port = await new Promise((resolve, reject) => {
      child.stdout.once('data', (data) => resolve(Number(String(data).trim())));
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const file = `${VIRTUAL}/stdout`;
    const url = `${baseUrl}/files/download?path=${encodeURIComponent(file)}`;
    const transport = new HttpTransport({ baseUrl, timeoutMs: 60_000 });
    const client = new AgentFilesClient({ transport, endpoints: endpointNames(parseMesosVersion('1.12.0')).agent });
    const ways = {
      'AgentFilesClient.download': async () => {
        const download = await client.download(file);
        try {
          return await drain(download.body);
        } finally {
          download.close();
        }
      },
      'plain node:http GET': () => plainGet(url),
    };
    if (spawnSync('curl', ['--version']).status === 0) {
      ways['curl -o /dev/null'] = async () => {
        const result = spawnSync('curl', ['-sS', '-o', '/dev/null', '-w', '%{size_download}', url], { encoding: 'utf8' });
        if (result.status !== 0) throw new Error(`curl failed: ${result.stderr}`);
        return Number(result.stdout);
      };
    }
    const times = Object.fromEntries(Object.keys(ways).map((name) => [name, []]));
    const before = loadAverage();
    for (let i = 0; i <= runs; i++) {
      for (const [name, download] of Object.entries(ways)) {
        const start = performance.now();
        const bytes = await download();
        if (bytes !== mib * 1024 * 1024) throw new Error(`${name} read ${bytes} bytes`);
        if (i > 0) times[name].push(performance.now() - start); // run 0 warms up the JIT and the page cache
      }
    }
    transport.close();
    process.stdout.write(
      `${mib} MiB over /files/download on 127.0.0.1, ${runs} interleaved runs; ${os.cpus().length} cores, Node ${process.version}; ` +
        `load average ${before} before, ${loadAverage()} after (ms; MiB/s at the median):\n`,
    );
    for (const [name, values] of Object.entries(times)) {
      const { min, median, max } = stats(values);
      process.stdout.write(
        `  ${name.padEnd(28)} min ${min.toFixed(0)}  median ${median.toFixed(0)}  max ${max.toFixed(0)}  (${(mib / (median / 1000)).toFixed(0)} MiB/s)\n`,
      );
    }
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') await serve(path.join(root, 'dist'), process.argv[3]);
else await main();
