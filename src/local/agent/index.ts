/** The agent half of the embedded local Mesos cluster. */
export { LocalAgent, type LocalAgentOptions } from './local-agent.js';
export type { AgentAttribute } from './attributes-flag.js';
export type { Clock } from './glog.js';
export {
  DEFAULT_AGENT_RESOURCES,
  DEFAULT_ROLE,
  addResources,
  flattenResources,
  formatRanges,
  formatResourcesFlag,
  isReserved,
  normalizeRanges,
  parseResourcesFlag,
  portRanges,
  resourceRole,
  withDefaultResources,
} from './resources-flag.js';
