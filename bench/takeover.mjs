#!/usr/bin/env node
/**
 * Standby takeover with ZooKeeper state: a 1 master + 5 workers deploy on a local cluster, three
 * `deploy --standby --state zk://...` instances; the leader is SIGKILLed N times (a new standby is
 * started each time) and the time from the kill to the new leader's SUBSCRIBED report is measured.
 * Goal (issue 11): within the ZooKeeper session timeout + 2 s.
 *
 * Needs a ZooKeeper jar (apt-get install zookeeper) and java; starts its own server on 127.0.0.1.
 * Usage: npm run bench:takeover [-- --kills 10 --session-timeout 5]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SMALL_CPUS, standinInitArgs } from './lib/standin-conf.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/alluxio-mesos.js');
const { LocalCluster } = await import(path.join(root, 'dist/emulator/cluster.js'));
const { writeDemoDistribution } = await import(path.join(root, 'dist/emulator/standin-alluxio/generate.js'));
const arg = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const kills = arg('--kills', 10);
const sessionTimeoutS = arg('--session-timeout', 5);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const dir = await mkdtemp(path.join(os.tmpdir(), 'am-bench-takeover-'));
const zk = await startZooKeeper(dir);
const dist = await writeDemoDistribution(path.join(dir, 'dist'));
const cluster = new LocalCluster({
  agents: 5,
  port: 0,
  workDir: path.join(dir, 'mesos'),
  heartbeatIntervalSeconds: 1,
  allocationIntervalMs: 200,
});
await cluster.start();
const conf = path.join(dir, 'conf');
const state = `zk://127.0.0.1:${zk.port}/alluxio-mesos?session-timeout=${sessionTimeoutS}`;
await run([bin, ...standinInitArgs({ confDir: conf, masterUrl: cluster.url, alluxioHome: dist.home }), '--state', state, ...SMALL_CPUS]);

/** A `deploy --standby --json`, its reports collected. */
function standby() {
  const child = spawn(process.execPath, [bin, 'deploy', '--standby', '--conf-dir', conf, '--json', '--health-check-delay', '1'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const instance = { child, elected: false, subscribedAt: undefined };
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line);
    if (event.type === 'scheduler-active') instance.elected = true;
    if (event.type === 'subscribed' && instance.subscribedAt === undefined) instance.subscribedAt = Date.parse(event.time);
  });
  return instance;
}
async function until(probe, what, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const takeovers = [];
let pool = [standby(), standby(), standby()];
try {
  let leader = await until(() => pool.find((i) => i.subscribedAt !== undefined), 'the first leader');
  for (let round = 0; round < kills; round += 1) {
    await sleep(1_000 + Math.random() * 3_000);
    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    pool = pool.filter((i) => i !== leader);
    pool.push(standby());
    leader = await until(() => pool.find((i) => i.subscribedAt !== undefined), 'the next leader');
    takeovers.push(leader.subscribedAt - killedAt);
  }
} finally {
  for (const i of pool) i.child.kill('SIGTERM');
  await sleep(1_000);
  await cluster.stop();
  await zk.stop();
  await rm(dir, { recursive: true, force: true });
}

const sorted = [...takeovers].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
const goal = sessionTimeoutS * 1000 + 2000;
console.log(`takeover (SIGKILL of the leader -> new leader SUBSCRIBED), ${kills} kills, session timeout ${sessionTimeoutS} s:`);
console.log(`  min ${sorted[0]} ms, median ${median} ms, max ${sorted.at(-1)} ms (all: ${takeovers.join(', ')})`);
console.log(
  `  goal: session timeout + 2 s = ${goal} ms: ${sorted.at(-1) <= goal ? 'met' : `exceeded by ${sorted.filter((t) => t > goal).length} of ${kills}`}`,
);
console.log(
  `  load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, ${os.cpus().length} cores, Node ${process.version}`,
);

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.slice(1, 3).join(' ')} exited ${code}`))));
  });
}

/** A standalone ZooKeeper (tickTime 500 ms, so sessions of 1-10 s) from the Debian package's jar. */
async function startZooKeeper(workDir) {
  const jar = ['/usr/share/java/zookeeper.jar', '/usr/share/zookeeper/zookeeper.jar'].find((candidate) => existsSync(candidate));
  if (jar === undefined) throw new Error('no ZooKeeper jar: apt-get install -y zookeeper');
  const port = await new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address();
      server.close(() => resolve(free));
    });
  });
  const config = path.join(workDir, 'zoo.cfg');
  await writeFile(
    config,
    `tickTime=500\ndataDir=${path.join(workDir, 'zk')}\nclientPort=${port}\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n`,
  );
  const java = process.env.JAVA_HOME === undefined ? 'java' : path.join(process.env.JAVA_HOME, 'bin', 'java');
  const child = spawn(java, ['-Xmx128m', '-cp', jar, 'org.apache.zookeeper.server.ZooKeeperServerMain', config], { stdio: 'ignore' });
  for (let i = 0; i < 200; i += 1) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => socket.end('ruok'));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk));
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(answer === 'imok'));
    });
    if (ok) break;
    await sleep(100);
  }
  return {
    port,
    stop: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM')))),
  };
}
