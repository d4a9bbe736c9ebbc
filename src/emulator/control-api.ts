/**
 * The control endpoint of `alluxio-mesos local-cluster`, as both sides see it: the paths and the
 * JSON records. The local master serves it (cluster-control.ts); `alluxio-mesos local-cluster agent`
 * calls it. Agents are numbered from 1 as the operator counts them: agent 1 is 127.0.0.2, agent 253
 * 127.0.0.254, agent 254 127.0.1.1.
 *
 *   GET  /local-cluster/agents               every agent: its process, and how the master sees it
 *   POST /local-cluster/agents/<n>/kill      the agent process dies with its tasks (SIGKILL)
 *   POST /local-cluster/agents/<n>/start     a killed agent starts again (a new agent, same address)
 *   POST /local-cluster/agents/<n>/restart   kill, then start: as after a reboot of its host
 *
 * Answers are JSON: the agent list, the agent's record after the action, or `{"error": "..."}`
 * with 400 (a bad number), 403 (a request from a web page), 404, 405 or 409 (already killed, still
 * running).
 */

export const CONTROL_PREFIX = '/local-cluster/';
export const CONTROL_AGENTS_PATH = '/local-cluster/agents';

export const AGENT_ACTIONS = ['kill', 'start', 'restart'] as const;
export type AgentAction = (typeof AGENT_ACTIONS)[number];

/**
 * How the leading master sees the agent's (last) process: registered and answering pings,
 * disconnected (a ping failed; no offers from it), unreachable (silent for the whole timeout: its
 * tasks are LOST), removed (a new agent registered at its address), or not registered (yet).
 */
export type MasterView = 'registered' | 'disconnected' | 'unreachable' | 'removed' | 'not registered' | 'no leading master';

export interface ControlAgent {
  /** From 1: agent 1 is 127.0.0.2. */
  number: number;
  hostname: string;
  process: 'running' | 'killed';
  /** `http://127.0.0.N:PORT` of the running process. */
  endpoint: string | null;
  /** The id the master gave the current process, or the last one of a killed agent. */
  agentId: string | null;
  master: MasterView;
}

export interface ControlAgentList {
  agents: ControlAgent[];
}

export function agentActionPath(number: number, action: AgentAction): string {
  return `${CONTROL_AGENTS_PATH}/${number}/${action}`;
}

/** Loopback host addresses per /24 used for agents: .1 to .254 (never .0 or .255, which look like network and broadcast). */
const HOSTS_PER_BLOCK = 254;

/**
 * Agent `i` (from 0) lives on 127.0.0.(i+2), the master having 127.0.0.1; past 127.0.0.254 the
 * addresses go on at 127.0.1.1, 127.0.1.2, ... (every 127.x.y.z is loopback on Linux).
 */
export function agentHostname(i: number): string {
  const position = i + 1; // the master holds position 0
  const block = Math.floor(position / HOSTS_PER_BLOCK);
  return `127.0.${block}.${(position % HOSTS_PER_BLOCK) + 1}`;
}
