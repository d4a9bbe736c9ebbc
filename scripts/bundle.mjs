#!/usr/bin/env node
// Bundles the CLI after tsc: dist/bundle/main.js (what bin/alluxio-mesos.js runs) and
// dist/bundle/host-main.js (the local cluster's agent-host child entry), with the code both share and
// every lazily imported command in chunks beside them. Node then loads ~10 files for `--help` and ~30
// for `deploy` up to its first request instead of ~30 and ~100 compiled modules (docs/performance.md,
// "Startup"). Code splitting keeps each `import()` lazy; one file for everything was measured slower
// (every command parsed at start-up). dist/ keeps the per-module tsc output for tests and benches.
//
// The bundle is CommonJS (dist/bundle/package.json says so): Node starts a CommonJS entry and
// `require`s a chunk for less than the ES module loader costs (~8-12 ms before the first request of
// `deploy`), and CommonJS chunks can be compiled with a V8 code cache on Node 20 (src/cli/code-cache.ts,
// the third entry, loaded first by bin/). The ESM-only dependencies (chalk, ora, @inquirer/prompts, tar)
// are `require`d, the lazy ones still lazily: Node 20.19 loads ES modules without top-level await that
// way, silently. A native `import()` cannot stay in a chunk: on Node 20 a script compiled from a code
// cache loses its dynamic-import callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so the build fails
// if one is left. Rolldown wraps such a `require` for an ES module importer the way Node imports
// CommonJS (all of `module.exports` as the default export); but `require` of an ES module returns
// its namespace, marked `__esModule`, whose default export is its own: the plugin below has every
// external wrapped by that mark instead (`import ora from 'ora'` must get ora's default export).
//
// Every `import.meta.url` in src/ still resolves from dist/bundle/: package-root.ts and
// standin-alluxio/generate.ts walk up to the package root; agent-hosts.ts finds ./host-main.js beside
// its chunk (an entry here, so its top-level start-up code runs only in the child); descriptors.ts
// reads ./mesos-schema.json, copied here.
// Usage: node scripts/bundle.mjs (run by `npm run build`)
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const { output } = await build({
  cwd: root,
  input: {
    main: path.join(dist, 'main.js'),
    'host-main': path.join(dist, 'emulator/agent-host/host-main.js'),
    'code-cache': path.join(dist, 'cli/code-cache.js'),
  },
  platform: 'node',
  external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
  plugins: [esModuleInterop()],
  output: { dir: out, format: 'cjs', dynamicImportInCjs: false },
  logLevel: 'warn',
});
const nativeImports = output.filter((chunk) => chunk.type === 'chunk' && /(?<![\w$.])import\s*\(\s*["'`]/.test(stripComments(chunk.code)));
if (nativeImports.length > 0) {
  throw new Error(`dynamic import() left in ${nativeImports.map((chunk) => chunk.fileName).join(', ')}: it fails in a code-cached chunk`);
}
writeFileSync(path.join(out, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
copyFileSync(path.join(dist, 'mesos/protocol/mesos-schema.json'), path.join(out, 'mesos-schema.json'));

/** The code without its block and line comments (commander's JSDoc mentions `import("./x.js")`). */
function stripComments(code) {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** `__toESM(require("x"), 1)` (Node's CommonJS interop) -> `__toESM(require("x"))` (by the `__esModule` mark). */
function esModuleInterop() {
  return {
    name: 'external-es-module-interop',
    renderChunk(code) {
      const rewritten = code.replace(/__toESM\((require\("[^"]+"\)), 1\)/g, '__toESM($1)');
      return rewritten === code ? null : { code: rewritten, map: null };
    },
  };
}
