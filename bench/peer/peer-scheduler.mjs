#!/usr/bin/env node
/**
 * The peer scheduler of the side-by-side benchmark: npm `mesos-framework` (the only other JavaScript
 * Mesos scheduler library) launching the same 1 + N tasks as `deploy`, with the library's own offer
 * handling, acknowledgements and declines, exactly as a user of it would write a framework.
 *
 * Usage: node bench/peer/peer-scheduler.mjs SPEC.json, where SPEC.json holds
 *   { "packageDir": "<dir holding node_modules/mesos-framework>", "masterHost": "127.0.0.1", "masterPort": 5050,
 *     "user": "...", "master": TASK, "worker": TASK & { "instances": N } }
 * and TASK is { "cpus", "mem", "ports": [..], "command": CommandInfo in Mesos' JSON shape }.
 * The library logs to `logs/` under the working directory; the harness runs this in a temporary one.
 * Prints one line, `subscribed <framework id>`, and then runs until killed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const require = createRequire(path.join(spec.packageDir, 'package.json'));
const { Scheduler } = require('mesos-framework');
const Mesos = require('mesos-framework').Mesos.getMesos();

/** The library's task definition: fixed ports (`staticPorts`) counted in `ports`, as its README asks. */
function taskOf(task, priority, instances) {
  return {
    priority,
    instances,
    // The library's own protobuf messages: it walks them for enum names before sending.
    commandInfo: new Mesos.CommandInfo(
      (task.command.uris ?? []).map((uri) => new Mesos.CommandInfo.URI(uri.value, uri.executable, uri.extract, uri.cache, uri.output_file)),
      new Mesos.Environment((task.command.environment?.variables ?? []).map((v) => new Mesos.Environment.Variable(v.name, v.value))),
      true,
      task.command.value,
      null,
      null,
    ),
    resources: { cpus: task.cpus, mem: task.mem, disk: 0, ports: task.ports.length, staticPorts: [...task.ports] },
  };
}

const scheduler = new Scheduler({
  masterUrl: spec.masterHost,
  port: spec.masterPort,
  frameworkName: 'mesos-framework-peer',
  user: spec.user,
  staticPorts: true,
  // The library's default (10 s) is shorter than the heartbeat interval of Mesos (15 s): a quiet
  // subscription then "times out" and re-registers as a new framework whose tasks collide with the
  // old ones. A user of the library has to raise it; twice the heartbeat interval.
  masterConnectionTimeout: 30,
  logging: { level: 'error', path: path.resolve('logs'), fileName: 'mesos-framework.log' },
  tasks: {
    master: taskOf(spec.master, 1, 1),
    worker: taskOf(spec.worker, 2, spec.worker.instances),
  },
});
scheduler.on('subscribed', (info) => console.log(`subscribed ${info.frameworkId}`));
scheduler.on('error', (error) =>
  console.error(
    `peer scheduler error: ${(error?.message ?? JSON.stringify(error)).slice(0, 300)}${error?.stack ? `\n${error.stack}` : ''}`,
  ),
);
scheduler.on('ready', () => scheduler.subscribe());
