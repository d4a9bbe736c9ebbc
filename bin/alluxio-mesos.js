#!/usr/bin/env node
// The published entry point: runs the compiled, bundled CLI (no tsx, no build step at run time;
// scripts/bundle.mjs says why bundled).
// SIGINT and SIGTERM are handled inside main() (dist/context/termination.js).
import { main } from '../dist/bundle/main.js';

// A reader that goes away (`alluxio-mesos logs ... | head`) is not an error: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
