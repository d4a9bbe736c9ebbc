#!/usr/bin/env node
/**
 * Raw-socket download (`src/logs/fast-download.ts`) against the regular HTTP transport
 * (`HttpTransport.stream`) on the same `/files/download` of one file, to decide whether the raw
 * path is worth keeping. A child process serves the file with the local cluster agent's files API
 * on 127.0.0.1; this process downloads it both ways, interleaved, draining the body without
 * decoding it, and prints min/median/max of each.
 *
 * Usage: npm run bench:logs-download --  [--runs 5 --mib 256]
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
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

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
};

async function main() {
  const runs = numberArg('--runs', 5);
  const mib = numberArg('--mib', 256);
  const { fastDownload } = await load('logs/fast-download.js');
  const { HttpTransport } = await load('mesos/client/http.js');
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
    const target = `/files/download?path=${encodeURIComponent(`${VIRTUAL}/stdout`)}`;
    const transport = new HttpTransport({ baseUrl, timeoutMs: 60_000 });
    const ways = {
      'raw socket (fast-download.ts)': async () => {
        const download = await fastDownload({ baseUrl, path: target, headers: {}, timeoutMs: 60_000 });
        if (download === undefined) throw new Error('fast path declined');
        return drain(download.body);
      },
      'transport (HttpTransport.stream)': async () => {
        const response = await transport.stream({ method: 'GET', path: target });
        return drain(response.body);
      },
    };
    const times = Object.fromEntries(Object.keys(ways).map((name) => [name, []]));
    for (let i = 0; i <= runs; i++) {
      for (const [name, download] of Object.entries(ways)) {
        const start = performance.now();
        const bytes = await download();
        if (bytes !== mib * 1024 * 1024) throw new Error(`${name} read ${bytes} bytes`);
        if (i > 0) times[name].push(performance.now() - start); // run 0 warms up the JIT
      }
    }
    process.stdout.write(`${mib} MiB over /files/download on 127.0.0.1, ${runs} interleaved runs (ms; MiB/s at the median):\n`);
    for (const [name, values] of Object.entries(times)) {
      const { min, median, max } = stats(values);
      process.stdout.write(
        `  ${name.padEnd(34)} min ${min.toFixed(0)}  median ${median.toFixed(0)}  max ${max.toFixed(0)}  (${(mib / (median / 1000)).toFixed(0)} MiB/s)\n`,
      );
    }
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') await serve(path.join(root, 'dist'), process.argv[3]);
else await main();
