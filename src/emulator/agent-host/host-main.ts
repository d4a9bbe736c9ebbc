/**
 * An agent host: the entry point of a child process (`fork`, IPC channel) or of a worker thread that
 * runs some of the local cluster's agents, so that agents and executors have an event loop of their
 * own instead of sharing the master's. It obeys host-protocol.ts messages from the cluster.
 *
 * A host never outlives the cluster process. A child process exits when its IPC channel closes
 * (the cluster exited, however: SIGKILL included) or when its parent process changes (checked every
 * second, in case the channel is held open by someone else), killing every task process group first;
 * the group guards of the tasks (shared/spawn.ts) cover this host being SIGKILLed itself. A worker
 * thread dies with its process, and the guards kill its tasks.
 */
import { parentPort, isMainThread } from 'node:worker_threads';
import { LocalAgent } from '../agent/local-agent.js';
import type { FromHost, HostedAgentSpec, HostedAgentView, ToHost } from './host-protocol.js';

interface Channel {
  send(message: FromHost): void;
  onMessage(handler: (message: ToHost) => void): void;
}

function openChannel(): Channel {
  if (!isMainThread && parentPort !== null) {
    const port = parentPort;
    return { send: (message) => port.postMessage(message), onMessage: (handler) => port.on('message', handler) };
  }
  if (process.send === undefined) {
    process.stderr.write('agent host: start me through the local cluster (no IPC channel)\n');
    process.exit(2);
  }
  return {
    send: (message) => {
      // The channel may close at any time (the cluster is gone); the disconnect handler exits.
      if (process.connected) process.send?.(message);
    },
    onMessage: (handler) => process.on('message', (message) => handler(message as ToHost)),
  };
}

const channel = openChannel();
const agents = new Map<number, LocalAgent>();
const lastViews = new Map<number, string>();
let leaderUrl: string | undefined;

function view(agent: LocalAgent): HostedAgentView {
  return { id: agent.id, registered: agent.registered, waitingForNewMaster: agent.waitingForNewMaster };
}

/** Reports the registration of each agent when it changed (polled: the agent has no event for it). */
function reportChanges(): void {
  for (const [index, agent] of agents) {
    const current = view(agent);
    const text = JSON.stringify(current);
    if (lastViews.get(index) === text) continue;
    lastViews.set(index, text);
    channel.send({ type: 'agent', index, view: current });
  }
}
const REPORT_INTERVAL_MS = 50;
setInterval(reportChanges, REPORT_INTERVAL_MS).unref();

async function start(spec: HostedAgentSpec): Promise<void> {
  const agent = new LocalAgent({
    hostname: spec.hostname,
    port: spec.port,
    workDir: spec.workDir,
    resources: spec.resources,
    masterLocator: () => Promise.resolve(leaderUrl),
    masterDetection: spec.masterDetection,
    statusRetryIntervalMs: spec.statusRetryIntervalMs,
  });
  try {
    await agent.start();
  } catch (error) {
    channel.send({ type: 'start-failed', index: spec.index, message: error instanceof Error ? error.message : String(error) });
    return;
  }
  agents.set(spec.index, agent);
  lastViews.delete(spec.index);
  channel.send({ type: 'started', index: spec.index, port: agent.port });
}

async function stop(index: number, how: 'stop' | 'crash'): Promise<void> {
  const agent = agents.get(index);
  agents.delete(index);
  lastViews.delete(index);
  if (agent !== undefined) await (how === 'stop' ? agent.stop() : agent.crash());
  channel.send({ type: 'stopped', index });
}

/** The cluster is gone: every task process group dies now, then the host. */
function orphaned(): never {
  // LocalAgent's process 'exit' listener SIGKILLs the task groups of every live agent.
  process.exit(0);
}

channel.onMessage((message) => {
  switch (message.type) {
    case 'start':
      void start(message.agent);
      break;
    case 'stop':
    case 'crash':
      void stop(message.index, message.type);
      break;
    case 'leader':
      leaderUrl = message.url;
      break;
  }
});

if (isMainThread) {
  process.on('disconnect', orphaned);
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) orphaned();
  }, 1_000).unref();
  // The cluster decides when its agents stop: a terminal's Ctrl-C reaches the cluster, which stops them
  // in order. A SIGTERM sent to the host alone stops its agents gracefully.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => {
    void Promise.all([...agents.keys()].map((index) => stop(index, 'stop'))).then(() => process.exit(0));
  });
}
channel.send({ type: 'ready' });
