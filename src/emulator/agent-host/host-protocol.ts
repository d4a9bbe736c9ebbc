/**
 * The messages between the local cluster (cluster.ts, through agent-hosts.ts) and an agent host
 * (host-main.ts): a child process or a worker thread that runs some of the cluster's agents, so that
 * the agents and their executors do not share the master's event loop. The same plain objects travel
 * over a child process's IPC channel and a worker's message port.
 *
 * Agents are named by their index in the cluster (0 is 127.0.0.2). The host learns the leading
 * master's URL from `leader` messages (it has no ZooKeeper client of its own) and reports each
 * agent's registration as it changes, so that the cluster can answer `agents[i].id` and
 * `registered` without asking.
 */
import type { MasterDetection } from '../agent/master-link.js';

/** What a host needs to start one agent (see LocalAgentOptions). */
export interface HostedAgentSpec {
  index: number;
  hostname: string;
  port: number;
  workDir: string;
  resources: string;
  masterDetection: MasterDetection;
  statusRetryIntervalMs?: number;
}

/** Cluster -> host. */
export type ToHost =
  | { type: 'start'; agent: HostedAgentSpec }
  /** Graceful stop of one agent: its tasks are killed, their last updates sent. */
  | { type: 'stop'; index: number }
  /** The agent's host dies: its tasks get SIGKILL, nobody is told. */
  | { type: 'crash'; index: number }
  | { type: 'leader'; url: string | undefined };

/** What the cluster sees of a hosted agent. */
export interface HostedAgentView {
  id: string | undefined;
  registered: boolean;
  waitingForNewMaster: boolean;
}

/** Host -> cluster. */
export type FromHost =
  | { type: 'ready' }
  | { type: 'started'; index: number; port: number }
  | { type: 'start-failed'; index: number; message: string }
  | { type: 'stopped'; index: number }
  | { type: 'agent'; index: number; view: HostedAgentView };
