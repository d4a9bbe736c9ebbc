#!/usr/bin/env node
// Cost of decoding (and encoding) one OFFERS event carrying 10,000 offers, in protobuf and JSON.
// Decoded by the scheduler's codec (JSON through the platform's JSON.parse), encoded by the local
// cluster's (which writes what Mesos writes); for JSON also JSON.parse alone and the local cluster's
// exact Mesos-style reader, which the scheduler does not use.
// Imports the compiled codecs from dist/, so build first.
// Usage: npm run build && node bench/protocol-offers.mjs [--offers 10000] [--runs 15]
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const load = (module) => import(pathToFileURL(path.join(root, 'dist', module)).href);
const { decodeEvent, MEDIA_TYPE_JSON, MEDIA_TYPE_PROTOBUF } = await load('mesos/protocol/codec.js');
const { encodeEvent, decodeEvent: decodeEventAsMesos } = await load('emulator/mesos-codec/codec.js');

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}
const offerCount = option('offers', 10_000);
const runs = option('runs', 15);

/** An offer shaped like the ones a real Mesos 1.12 master sends to a MULTI_ROLE framework. */
function offer(i) {
  const resource = (name, extra) => ({ name, ...extra, role: '*', allocation_info: { role: '*' } });
  return {
    id: { value: `b8564f73-9862-4214-8536-043f0ff29368-O${i}` },
    framework_id: { value: 'b8564f73-9862-4214-8536-043f0ff29368-0003' },
    agent_id: { value: `b8564f73-9862-4214-8536-043f0ff29368-S${i % 500}` },
    hostname: `10.0.${(i >> 8) & 255}.${i & 255}`,
    url: {
      scheme: 'http',
      address: { hostname: `10.0.${(i >> 8) & 255}.${i & 255}`, ip: `10.0.${(i >> 8) & 255}.${i & 255}`, port: 5051 },
      path: '/slave(1)',
    },
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
      resource('cpus', { type: 'SCALAR', scalar: { value: 7.9 - (i % 8) / 10 } }),
      resource('mem', { type: 'SCALAR', scalar: { value: 31744 - (i % 16) * 32 } }),
      resource('disk', { type: 'SCALAR', scalar: { value: 409600 } }),
    ],
    attributes: [{ name: 'rack', type: 'TEXT', text: { value: `rack-${i % 40}` } }],
    allocation_info: { role: '*' },
  };
}

const event = { type: 'OFFERS', offers: { offers: Array.from({ length: offerCount }, (_, i) => offer(i)) } };

function measure(work) {
  for (let i = 0; i < 3; i += 1) work();
  const times = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    work();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

const rows = [];
for (const [label, media] of [
  ['protobuf', MEDIA_TYPE_PROTOBUF],
  ['json', MEDIA_TYPE_JSON],
]) {
  const body = encodeEvent(event, media);
  const decoded = decodeEvent(body, media);
  if (decoded.offers.offers.length !== offerCount) throw new Error(`${label}: decoded ${decoded.offers.offers.length} offers`);
  const decode = measure(() => decodeEvent(body, media));
  const encode = measure(() => encodeEvent(event, media));
  rows.push({ media: label, bytes: body.length, decode, encode });
  if (media === MEDIA_TYPE_JSON) {
    rows.push({ media: 'json: JSON.parse alone', bytes: body.length, decode: measure(() => JSON.parse(body.toString('utf8'))) });
    rows.push({
      media: "json: the local cluster's Mesos-style reader",
      bytes: body.length,
      decode: measure(() => decodeEventAsMesos(body, media)),
    });
  }
}

const fmt = (ms) => ms.toFixed(1).padStart(8);
console.log(`OFFERS event with ${offerCount} offers, ${runs} runs after 3 warm-ups (node ${process.version})`);
console.log('media       bytes   decode median/min ms   encode median/min ms');
for (const row of rows) {
  const encoded = row.encode === undefined ? '' : `   ${fmt(row.encode.median)} /${fmt(row.encode.min)}`;
  console.log(`${row.media.padEnd(9)} ${String(row.bytes).padStart(8)}  ${fmt(row.decode.median)} /${fmt(row.decode.min)}${encoded}`);
}
