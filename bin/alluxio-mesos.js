#!/usr/bin/env node
// The published entry point: runs the compiled CLI (no tsx, no build step at run time).
import { main } from '../dist/main.js';

let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  // Commands that handle Ctrl-C themselves install their own listener; with none, leave at once.
  if (process.listenerCount('SIGINT') === 1) process.exit(130);
});

const code = await main(process.argv.slice(2));
process.exitCode = code;
