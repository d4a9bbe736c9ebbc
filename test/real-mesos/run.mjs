#!/usr/bin/env node
// `npm run test:real-mesos`: the scenarios of test/scenarios/ against a real Apache Mesos build,
// inside a private network, PID and mount namespace (root needed for unshare). REAL_MESOS_BUILD
// names the build directory (holding bin/mesos-master.sh and bin/mesos-agent.sh); without it the
// lane is skipped, loudly. See docs/real-mesos.md.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const build = process.env.REAL_MESOS_BUILD;
if (build === undefined || build === '') {
  const line = '!'.repeat(78);
  console.error(`${line}\n!! SKIPPED: the real-Mesos lane needs REAL_MESOS_BUILD=<a Mesos build directory>.`);
  console.error(`!! Nothing was tested against real Mesos. See docs/real-mesos.md to build one.\n${line}`);
  process.exit(0);
}
for (const binary of ['mesos-master.sh', 'mesos-agent.sh']) {
  if (!existsSync(path.join(build, 'bin', binary))) {
    console.error(`test:real-mesos: ${path.join(build, 'bin', binary)} is missing; REAL_MESOS_BUILD must name a Mesos build directory`);
    process.exit(2);
  }
}
const files = process.argv.slice(2);
const vitest = ['npx', 'vitest', 'run', '--project', 'integration', ...(files.length > 0 ? files : ['test/scenarios'])].join(' ');
const result = spawnSync('unshare', ['-n', '-p', '-f', '-m', '--mount-proc', 'bash', '-c', `ip link set lo up && ${vitest}`], {
  stdio: 'inherit',
  env: { ...process.env, REAL_MESOS_BUILD: path.resolve(build) },
});
process.exit(result.status ?? 1);
