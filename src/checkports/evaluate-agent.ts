/**
 * One agent's verdict: can it host the Alluxio master, a worker, both at once, and if not, why.
 */
import type { Resource } from '../mesos/protocol/types.js';
import { formatRanges } from '../mesos/resources/ranges.js';
import { agentCapacity, type AgentCapacity, type AgentResources } from './agent-capacity.js';
import { formatCpus, formatMb } from './format.js';
import { holdsPort } from '../mesos/resources/normalized-ranges.js';
import { CHECK_PORTS_FLOOR, isOlderThan } from './mesos-version.js';
import {
  describePort,
  masterFootprint,
  workerFootprint,
  type CheckPortsRequirements,
  type NamedPort,
  type TaskFootprint,
} from './requirements.js';
import type { AgentVerdict, TaskVerdict } from './report-types.js';

/** The analysis' view of an agent; `fromAgentRecord` builds it from the master client's record. */
export interface CheckPortsAgent {
  readonly agentId: string;
  readonly hostname: string;
  readonly version?: string;
  readonly active: boolean;
  readonly resources: AgentResources;
  /**
   * What the agent was started with (`agent_info.resources`: static reservations, no dynamic
   * ones). Used to rebuild its `--resources` flag; `resources.total` is the fallback.
   */
  readonly startupResources?: readonly Resource[];
}

/** A verdict plus what the fixes need to know about the agent. */
export interface AgentAnalysis {
  readonly agent: CheckPortsAgent;
  readonly capacity: AgentCapacity;
  readonly verdict: AgentVerdict;
  /** Active and not below the version floor: may be counted and placed at all. */
  readonly eligible: boolean;
  readonly fitsBySize: { readonly master: boolean; readonly worker: boolean };
}

const EPSILON = 1e-9;

interface PortCheck {
  readonly reasons: string[];
  readonly missing: number[];
}

function checkPorts(needed: readonly NamedPort[], capacity: AgentCapacity): PortCheck {
  const reasons: string[] = [];
  const missing: number[] = [];
  for (const port of needed) {
    if (holdsPort(capacity.usablePorts, port.port)) {
      if (holdsPort(capacity.inUsePorts, port.port)) {
        reasons.push(`port ${describePort(port)} is in use (allocated to a running task)`);
      }
      continue;
    }
    const owner = capacity.otherRolePorts.find((entry) => holdsPort(entry.ranges, port.port));
    if (owner !== undefined) {
      reasons.push(`port ${describePort(port)} is reserved for role '${owner.role}'`);
    } else {
      reasons.push(`port ${describePort(port)} is not advertised by the agent`);
      missing.push(port.port);
    }
  }
  return { reasons, missing };
}

function fits(footprint: TaskFootprint, capacity: AgentCapacity): boolean {
  return footprint.cpus <= capacity.cpus.free + EPSILON && footprint.memMb <= capacity.memMb.free + EPSILON;
}

function sizeReason(footprint: TaskFootprint, capacity: AgentCapacity): string | undefined {
  const shortCpus = footprint.cpus > capacity.cpus.free + EPSILON;
  const shortMem = footprint.memMb > capacity.memMb.free + EPSILON;
  if (!shortCpus && !shortMem) return undefined;
  const what = shortCpus && shortMem ? 'cpus and mem' : shortCpus ? 'cpus' : 'mem';
  return (
    `not enough ${what}: needs ${formatCpus(footprint.cpus)} cpus / ${formatMb(footprint.memMb)} MB ` +
    `(executor overhead included), has ${formatCpus(capacity.cpus.free)} cpus / ${formatMb(capacity.memMb.free)} MB free`
  );
}

function verdict(reasons: string[]): TaskVerdict {
  return { ok: reasons.length === 0, reasons };
}

export function evaluateAgent(agent: CheckPortsAgent, req: CheckPortsRequirements): AgentAnalysis {
  const capacity = agentCapacity(agent.resources, req.role);
  const master = masterFootprint(req);
  const worker = workerFootprint(req);

  const gate: string[] = [];
  if (!agent.active) gate.push('agent is not active (deactivated or draining); it is not counted');
  const tooOld = isOlderThan(agent.version, CHECK_PORTS_FLOOR);
  if (tooOld) gate.push(`agent runs Mesos ${agent.version}, older than ${CHECK_PORTS_FLOOR}`);

  const masterPorts = checkPorts(req.master.ports, capacity);
  const workerPorts = checkPorts(req.worker.ports, capacity);
  const masterSize = sizeReason(master, capacity);
  const workerSize = sizeReason(worker, capacity);

  const masterHost =
    req.masterHosts === undefined || req.masterHosts.some((host) => host.toLowerCase() === agent.hostname.toLowerCase())
      ? []
      : ['not a master host of alluxio.master.embedded.journal.addresses (the embedded journal names where masters run)'];
  const masterVerdict = verdict([...gate, ...masterHost, ...masterPorts.reasons, ...(masterSize === undefined ? [] : [masterSize])]);
  const workerVerdict = verdict([...gate, ...workerPorts.reasons, ...(workerSize === undefined ? [] : [workerSize])]);
  const portsDisjoint = !req.master.ports.some((m) => req.worker.ports.some((w) => w.port === m.port));
  const both =
    masterVerdict.ok &&
    workerVerdict.ok &&
    portsDisjoint &&
    fits({ cpus: master.cpus + worker.cpus, memMb: master.memMb + worker.memMb }, capacity);

  const missing = [...new Set([...masterPorts.missing, ...workerPorts.missing])].sort((a, b) => a - b);
  const notes: string[] = [];
  const neededPorts = [...req.master.ports, ...req.worker.ports];
  const heldInOffer = neededPorts
    .filter(
      (port) =>
        holdsPort(capacity.offeredPorts, port.port) &&
        holdsPort(capacity.usablePorts, port.port) &&
        !holdsPort(capacity.inUsePorts, port.port),
    )
    .map((port) => port.port);
  if (heldInOffer.length > 0) {
    notes.push(
      `port${heldInOffer.length === 1 ? '' : 's'} ${heldInOffer.join(', ')} ${heldInOffer.length === 1 ? 'is' : 'are'} ` +
        'in an outstanding offer right now; offered ports count as free because offers are returned when declined',
    );
  }

  return {
    agent,
    capacity,
    eligible: agent.active && !tooOld,
    fitsBySize: { master: fits(master, capacity), worker: fits(worker, capacity) },
    verdict: {
      hostname: agent.hostname,
      agentId: agent.agentId,
      version: agent.version ?? null,
      active: agent.active,
      master: masterVerdict,
      worker: workerVerdict,
      masterAndWorker: both,
      free: { cpus: round(capacity.cpus.free, 3), memMb: round(capacity.memMb.free, 1) },
      ports: { usable: formatRanges(capacity.usablePorts), inUse: formatRanges(capacity.inUsePorts) },
      missingPorts: missing,
      notes,
    },
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
