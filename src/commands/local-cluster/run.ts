/**
 * `alluxio-mesos local-cluster`: runs the embedded Mesos cluster (one master on 127.0.0.1, agents on
 * 127.0.0.2, 127.0.0.3, ...) in the foreground until Ctrl-C, or writes the stand-in Alluxio
 * distribution and exits. SIGUSR2 restarts the master as a real master process restart: with --zk a
 * failover the agents follow; without it the agents stay away, as a standalone Mesos cluster's do,
 * so that rehearsing a standalone restart shows what an operator would really meet.
 */
import type { EmulatedMesosApi } from '../../emulator/mesos-api.js';
import {
  MINIMUM_MESOS_VERSION,
  formatVersion,
  mesosFeatures,
  parseMesosVersion,
  versionAtLeast,
  type MesosVersion,
} from '../../mesos/client/version.js';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CommandContext } from '../../context/context.js';
import { ExitCode, UsageError } from '../../shared/errors.js';
import { parseDuration } from '../../shared/duration.js';
import { makeDirectory } from '../../shared/make-directory.js';
import { LocalCluster, DEFAULT_AGENT_RESOURCES } from '../../emulator/cluster.js';
import { writeDemoDistribution } from '../../emulator/standin-alluxio/generate.js';
import { installRestartSignal } from './restart-signal.js';
import { checkResourcesFlags, demoFailure, startFailure } from './start-failure.js';

export interface LocalClusterFlags {
  agents?: string;
  agentHosts?: string;
  port?: string;
  workDir?: string;
  resources?: string[];
  heartbeatInterval?: string;
  agentPingTimeout?: string;
  maxAgentPingTimeouts?: string;
  zk?: string;
  mesosVersion?: string;
  writeDemoDist?: string;
  force?: boolean;
}

/** Agents get 127.0.0.2 onwards; 1,000 is far past what one machine's processes and ports carry well. */
const MAX_AGENTS = 1000;

/** The APIs of the Mesos version `--mesos-version` names (0.23.0 to 1.12.x). */
function emulatedApi(flag: string | undefined): EmulatedMesosApi | undefined {
  if (flag === undefined) return undefined;
  let version: MesosVersion;
  try {
    version = parseMesosVersion(flag, '--mesos-version');
  } catch {
    throw new UsageError(`--mesos-version "${flag}" is not a Mesos version`, { hint: 'e.g. 0.23.0, 0.27.2, 0.28.2 or 1.12.0' });
  }
  if (!versionAtLeast(version, MINIMUM_MESOS_VERSION) || versionAtLeast(version, '1.13.0')) {
    throw new UsageError(`--mesos-version ${formatVersion(version)} is outside what the local cluster emulates`, {
      hint: `give a version from ${MINIMUM_MESOS_VERSION} to 1.12.x`,
    });
  }
  const features = mesosFeatures(version);
  return {
    version: formatVersion(version),
    plainEndpoints: features.hasPlainEndpoints,
    jsonEndpoints: features.hasJsonEndpoints,
    versionEndpoint: features.hasVersionEndpoint,
    operatorApi: features.hasOperatorApi,
    schedulerApi: features.hasSchedulerApi,
    streamIds: features.hasStreamId,
  };
}

function wholeNumber(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} "${value}" must be a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

export async function runLocalCluster(ctx: CommandContext, flags: LocalClusterFlags): Promise<number> {
  const { io, globals } = ctx;
  if (flags.force === true && flags.writeDemoDist === undefined) {
    throw new UsageError('--force works with --write-demo-dist', {
      hint: 'e.g. alluxio-mesos local-cluster --write-demo-dist ./demo --force',
    });
  }
  if (flags.writeDemoDist !== undefined) {
    const target = path.resolve(io.cwd, flags.writeDemoDist);
    await makeDirectory(target, { hint: 'give --write-demo-dist a directory (it is created if missing)' });
    const written = await writeDemoDistribution(target, { force: flags.force === true }).catch((error: unknown) => {
      throw demoFailure(error, target);
    });
    if (globals.json) {
      io.stdout.write(`${JSON.stringify(written)}\n`);
    } else {
      io.stdout.write(
        `Wrote the stand-in Alluxio ${written.version} distribution (not real Alluxio: see STAND-IN.md)\n` +
          `  ${written.home}\n  ${written.tarball}\n\n` +
          `Rehearse a deploy with it:\n` +
          `  alluxio-mesos deploy --master local --jar-url LOCAL --alluxio-home ${written.home}\n` +
          `  alluxio-mesos deploy --master local --jar-url file://${written.tarball}\n`,
      );
    }
    return ExitCode.OK;
  }

  const api = emulatedApi(flags.mesosVersion);
  const agents = wholeNumber('--agents', flags.agents, 3, 1, MAX_AGENTS);
  const hosts = wholeNumber('--agent-hosts', flags.agentHosts, Math.min(agents, os.availableParallelism()), 1, agents);
  const port = wholeNumber('--port', flags.port, 5050, 0, 65535);
  const heartbeat =
    flags.heartbeatInterval === undefined
      ? 15
      : parseDuration('--heartbeat-interval', flags.heartbeatInterval, { bareUnit: 's', minMs: 1000, maxMs: 3_600_000 }) / 1000;
  const pingMs =
    flags.agentPingTimeout === undefined
      ? 15_000
      : parseDuration('--agent-ping-timeout', flags.agentPingTimeout, { bareUnit: 's', minMs: 100, maxMs: 3_600_000 });
  const maxPings = wholeNumber('--max-agent-ping-timeouts', flags.maxAgentPingTimeouts, 5, 1, 100);
  const resources = flags.resources ?? [];
  if (resources.length > 1 && resources.length !== agents) {
    throw new UsageError(`${resources.length} --resources values for ${agents} agents`, {
      hint: 'give one --resources for all agents, or one per agent',
    });
  }
  checkResourcesFlags(resources);
  const workDir =
    flags.workDir !== undefined ? path.resolve(io.cwd, flags.workDir) : await mkdtemp(path.join(os.tmpdir(), 'alluxio-mesos-local-'));
  await makeDirectory(workDir, { what: 'work directory', hint: 'give --work-dir a directory you can write to' });
  const cluster = new LocalCluster({
    agents,
    port,
    workDir,
    heartbeatIntervalSeconds: heartbeat,
    agentPingIntervalMs: pingMs,
    agentTimeoutMs: pingMs * maxPings,
    control: true,
    // Agents and executors in child processes (one per core by default), off the master's event loop.
    agentHosts: { kind: 'process', count: hosts },
    ...(api === undefined ? {} : { api }),
    resources:
      resources.length === 0 ? DEFAULT_AGENT_RESOURCES : resources.length === 1 ? (resources[0] ?? DEFAULT_AGENT_RESOURCES) : resources,
    ...(flags.zk === undefined ? {} : { zk: flags.zk, zkConnectTimeoutMs: globals.timeoutMs }),
    ...(globals.verbose ? { log: (line: string) => io.stderr.write(`${line}\n`) } : {}),
  });
  const { termination } = ctx;
  // Stopping the agents and their tasks takes longer than the default grace after a signal.
  termination.allowGrace(10_000);
  const stopped = new Promise<void>((resolve) => {
    if (termination.signal.aborted) resolve();
    else termination.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  // Before the start, which takes seconds under load: an early SIGUSR2 must not kill the process.
  const restartSignal = installRestartSignal({
    restart: () => cluster.restartMaster(),
    say: (line) => io.stderr.write(`${line}\n`),
    standalone: flags.zk === undefined,
  });
  try {
    // A failed start has already stopped what it started: nothing is left to keep the process alive.
    await cluster.start();
  } catch (error) {
    restartSignal.remove();
    throw startFailure(error, { port });
  }
  restartSignal.ready();
  const ready = {
    master: cluster.url,
    agents: cluster.agents.flatMap((agent, i) =>
      agent === undefined ? [] : [{ number: i + 1, id: agent.id ?? null, hostname: agent.hostname, endpoint: agent.endpoint }],
    ),
    workDir,
    pid: process.pid,
  };
  if (globals.json) {
    io.stdout.write(`${JSON.stringify({ event: 'ready', ...ready })}\n`);
  } else {
    io.stdout.write(`Local Mesos master at ${ready.master} (work dir ${workDir})\n`);
    for (const agent of ready.agents) io.stdout.write(`  agent ${agent.number}: ${agent.hostname} at ${agent.endpoint}\n`);
    const master = flags.zk ?? ready.master.replace(/^http:\/\//, '');
    io.stdout.write(`Use it with --master ${master}. Ctrl-C stops it; kill -USR2 ${process.pid} restarts the master`);
    io.stdout.write(
      flags.zk === undefined
        ? ' (without --zk the agents then never re-register, as on Mesos: use --zk to rehearse a failover).\n'
        : ' (a failover through ZooKeeper: the agents re-register).\n',
    );
    const at = master === '127.0.0.1:5050' ? '' : ` --master ${master}`;
    io.stdout.write(`\`alluxio-mesos local-cluster agent kill|start|restart N${at}\` kills, starts or restarts agent N.\n`);
  }
  await stopped;
  const signalled = termination.received();
  restartSignal.remove();
  await cluster.stop();
  if (globals.json) io.stdout.write(`${JSON.stringify({ event: 'stopped', signal: signalled ?? null })}\n`);
  else io.stderr.write(`${signalled ?? 'stop'}: the local cluster stopped\n`);
  return signalled === 'SIGINT' ? ExitCode.INTERRUPTED : ExitCode.OK;
}
