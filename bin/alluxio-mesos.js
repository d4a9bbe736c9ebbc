#!/usr/bin/env node
// The published entry point: runs the compiled CLI (no tsx, no build step at run time).
import { main } from '../dist/main.js';

// A reader that goes away (`alluxio-mesos logs ... | head`) is not an error: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  // Commands that handle Ctrl-C themselves install their own listener; with none, leave at once.
  if (process.listenerCount('SIGINT') === 1) process.exit(130);
});

const code = await main(process.argv.slice(2));
process.exitCode = code;
