/**
 * Can the configured masters and at least one worker be placed? Masters go on distinct agents; a
 * worker goes on any other agent that fits one, or on a master's agent only when that agent holds
 * both tasks at once. Masters are put where they cost the fewest workers, so the number of
 * placeable workers is the most the cluster allows.
 */
import type { AgentVerdict, Placement } from './report-types.js';

export interface PlacementOutcome {
  readonly placement: Placement;
  readonly reasons: readonly string[];
}

/** `agents` must be the active agents only. */
export function placeAlluxio(agents: readonly AgentVerdict[], masterCount: number): PlacementOutcome {
  const masterCapable = agents.filter((agent) => agent.master.ok);
  // Cost of a master on an agent = the worker it displaces (0 if the agent could not run a worker
  // anyway, or can run both). Stable sort keeps Mesos' order among equals: deterministic.
  const byCost = masterCapable
    .map((agent, index) => ({ agent, index, cost: agent.worker.ok && !agent.masterAndWorker ? 1 : 0 }))
    .sort((a, b) => a.cost - b.cost || a.index - b.index);
  const chosen = byCost.slice(0, masterCount).map((entry) => entry.agent);
  const chosenIds = new Set(chosen.map((agent) => agent.agentId));
  const workers = agents
    .filter((agent) => agent.worker.ok && (!chosenIds.has(agent.agentId) || agent.masterAndWorker))
    .map((agent) => agent.hostname);

  const reasons: string[] = [];
  if (masterCapable.length < masterCount) {
    reasons.push(
      masterCount === 1
        ? 'no agent can run the Alluxio master'
        : `${masterCount} masters are configured but only ${masterCapable.length} ` +
            `agent${masterCapable.length === 1 ? ' can' : 's can'} run one`,
    );
  }
  if (workers.length === 0) {
    const anyWorker = agents.some((agent) => agent.worker.ok);
    reasons.push(
      anyWorker
        ? 'the only agents that can run a worker are needed for the masters, and none of them has room for both'
        : 'no agent can run an Alluxio worker',
    );
  }
  return {
    placement: { masters: masterCapable.length >= masterCount ? chosen.map((agent) => agent.hostname) : [], workers },
    reasons,
  };
}
