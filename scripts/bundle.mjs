#!/usr/bin/env node
// Bundles the CLI after tsc: dist/bundle/main.js (what bin/alluxio-mesos.js runs) and
// dist/bundle/host-main.js (the local cluster's agent-host child entry), with the code both share and
// every lazily imported command in chunks beside them. Node then loads ~10 files for `--help` and ~30
// for `deploy` up to its first request instead of ~30 and ~100 compiled modules (docs/performance.md,
// "Startup"). Code splitting keeps each `import()` lazy; one file for everything was measured slower
// (every command parsed at start-up). dist/ keeps the per-module tsc output for tests and benches.
//
// Every `import.meta.url` in src/ still resolves from dist/bundle/: package-root.ts and
// standin-alluxio/generate.ts walk up to the package root; agent-hosts.ts finds ./host-main.js beside
// its chunk (an entry here, so its top-level start-up code runs only in the child); descriptors.ts
// reads ./mesos-schema.json, copied here.
// Usage: node scripts/bundle.mjs (run by `npm run build`)
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'rolldown';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const out = path.join(dist, 'bundle');
const { dependencies } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
// commander is on every command's path (16 CommonJS files of its own): bundled in. The other
// dependencies load on first use, or not before the first request, and stay in node_modules.
const BUNDLED_DEPENDENCIES = new Set(['commander']);
const external = Object.keys(dependencies).filter((name) => !BUNDLED_DEPENDENCIES.has(name));

rmSync(out, { recursive: true, force: true });
await build({
  cwd: root,
  input: { main: path.join(dist, 'main.js'), 'host-main': path.join(dist, 'emulator/agent-host/host-main.js') },
  platform: 'node',
  external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
  output: { dir: out, format: 'esm' },
  logLevel: 'warn',
});
copyFileSync(path.join(dist, 'mesos/protocol/mesos-schema.json'), path.join(out, 'mesos-schema.json'));
