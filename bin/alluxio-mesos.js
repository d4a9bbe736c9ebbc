#!/usr/bin/env node
// The published entry point: runs the compiled, bundled CLI (no tsx, no build step at run time;
// scripts/bundle.mjs says why bundled, and why CommonJS: bin/package.json makes this file CommonJS too).
// The code cache goes first, so that every chunk after it is compiled with it (src/cli/code-cache.ts).
// SIGINT and SIGTERM are handled inside main() (dist/context/termination.js).
'use strict';
const path = require('node:path');

const bundle = path.join(__dirname, '..', 'dist', 'bundle');
require(path.join(bundle, 'code-cache.js')).enableCodeCache(bundle);
const { main } = require(path.join(bundle, 'main.js'));

// A reader that goes away (`alluxio-mesos logs ... | head`) is not an error: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
