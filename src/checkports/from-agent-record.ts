/**
 * The one place that knows the master client's agent shape: maps an `AgentRecord` (from
 * GET_AGENTS or the legacy state JSON) onto the analysis' own `CheckPortsAgent`.
 */
import type { AgentRecord } from '../mesos/client/agents.js';
import type { CheckPortsAgent } from './evaluate-agent.js';

export function fromAgentRecord(record: AgentRecord): CheckPortsAgent {
  return {
    agentId: record.agentId,
    hostname: record.hostname,
    ...(record.version === undefined ? {} : { version: record.version }),
    active: record.active,
    resources: {
      total: record.resources,
      allocated: record.usedResources,
      offered: record.offeredResources,
    },
  };
}
