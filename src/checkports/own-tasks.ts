/**
 * `check-ports` on a cluster where this deployment already runs: the ports, cpus and memory its own
 * tasks hold are the deployment's, not a conflict. They are handed back to the agents before the
 * analysis, so the verdict says whether the deployment fits, and each is reported as held by it.
 */
import type { Resource } from '../mesos/protocol/types.js';
import { Resources } from '../mesos/resources/resource-set.js';
import { resourceRanges } from './agent-capacity.js';
import type { CheckPortsAgent } from './evaluate-agent.js';
import type { HeldByDeployment } from './report-types.js';

export interface OwnTask {
  agentId: string;
  alias: string;
  resources: readonly Resource[];
}

export function releaseOwnTasks(
  agents: readonly CheckPortsAgent[],
  tasks: readonly OwnTask[],
): { agents: CheckPortsAgent[]; held: HeldByDeployment[] } {
  const held: HeldByDeployment[] = [];
  const released = agents.map((agent) => {
    const mine = tasks.filter((task) => task.agentId === agent.agentId);
    if (mine.length === 0) return agent;
    let allocated = Resources.fromProto(agent.resources.allocated);
    for (const task of mine) {
      allocated = allocated.minus(Resources.fromProto(task.resources));
      const ports = task.resources.filter((resource) => resource.name === 'ports').flatMap((resource) => expand(resourceRanges(resource)));
      held.push({ hostname: agent.hostname, alias: task.alias, ports });
    }
    return { ...agent, resources: { ...agent.resources, allocated: allocated.toProto() } };
  });
  held.sort((a, b) => a.alias.localeCompare(b.alias, undefined, { numeric: true }));
  return { agents: released, held };
}

function expand(ranges: ReadonlyArray<{ begin: number; end: number }>): number[] {
  return ranges.flatMap(({ begin, end }) => Array.from({ length: end - begin + 1 }, (_, i) => begin + i));
}
