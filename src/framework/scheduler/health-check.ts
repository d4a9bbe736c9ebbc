/**
 * The health check of an Alluxio task: it probes the RPC port where the Alluxio process really
 * listens.
 *
 * Mesos' TCP and HTTP health checks always connect to 127.0.0.1 on the task's host (Mesos
 * `src/checks/checks_types.hpp`, the `mesos-tcp-connect` helper), never to the agent's address. So:
 * - bind host a wildcard (`0.0.0.0`, `::`) or 127.0.0.1/localhost: Mesos' own TCP check reaches it;
 * - bind host any other address: a COMMAND check connects to that address;
 * - bind host unset: real Alluxio listens on every interface, but a process that listens on its
 *   agent's address only (the stand-in Alluxio, several agents sharing one host) is not reachable at
 *   127.0.0.1; a COMMAND check connecting to the agent's address reaches both.
 * The COMMAND check uses bash's `/dev/tcp`: Alluxio's own scripts need bash on every agent anyway.
 */
import type { HealthCheck } from '../../mesos/protocol/types.js';
import { shellQuote } from '../../shared/shell-quote.js';
import type { HealthCheckPolicy } from './config.js';

/** Addresses Mesos' TCP check (connecting to 127.0.0.1) reaches. */
const REACHED_BY_MESOS_TCP_CHECK = new Set(['0.0.0.0', '::', '[::]', '127.0.0.1', 'localhost']);

export interface ProbeTarget {
  readonly rpcPort: number;
  /** `alluxio.<role>.bind.host`, when the site configuration sets it. */
  readonly bindHost?: string | undefined;
}

/** Where the check connects: `undefined` host means Mesos' TCP check (127.0.0.1). */
export function probeAddress(target: ProbeTarget, agentHostname: string): { host: string | undefined; port: number } {
  const bindHost = target.bindHost?.trim().toLowerCase();
  if (bindHost !== undefined && bindHost !== '' && REACHED_BY_MESOS_TCP_CHECK.has(bindHost))
    return { host: undefined, port: target.rpcPort };
  return { host: bindHost !== undefined && bindHost !== '' ? target.bindHost!.trim() : agentHostname, port: target.rpcPort };
}

export function alluxioHealthCheck(target: ProbeTarget, agentHostname: string, policy: HealthCheckPolicy): HealthCheck {
  const { host, port } = probeAddress(target, agentHostname);
  const timing = {
    delay_seconds: policy.delaySeconds,
    interval_seconds: policy.intervalSeconds,
    timeout_seconds: policy.timeoutSeconds,
    consecutive_failures: policy.consecutiveFailures,
    grace_period_seconds: policy.gracePeriodSeconds,
  };
  if (host === undefined) return { type: 'TCP', tcp: { port }, ...timing };
  return { type: 'COMMAND', command: tcpProbeCommand(host, port), ...timing };
}

/** `sh -c` text that exits 0 once a TCP connection to host:port opens. */
export function tcpProbeCommand(host: string, port: number): { shell: true; value: string } {
  return { shell: true, value: `exec bash -c 'exec 3<>"/dev/tcp/$0/$1"' ${shellQuote(host)} ${port}` };
}
