/**
 * `check-ports` analysis: pure functions from the master's version and agents to a report, the
 * fixes, and its text rendering. The command does the fetching, printing and file writing.
 */
export { analyzeCheckPorts, summaryLine, type CheckPortsInput } from './analyze.js';
export { evaluateAgent, type AgentAnalysis, type CheckPortsAgent } from './evaluate-agent.js';
export { agentCapacity, type AgentCapacity, type AgentResources } from './agent-capacity.js';
export { fromAgentRecord } from './from-agent-record.js';
export { placeAlluxio, type PlacementOutcome } from './placement.js';
export { agentBinary, buildResourcesValue, resourcesFlagFixes } from './resources-flag.js';
export {
  bestAdjacentBlock,
  suggestPorts,
  suggestedPortProperties,
  LOWEST_SUGGESTED_PORT,
  type SuggestPortsOptions,
} from './suggest-ports.js';
export { renderCheckPortsText, type RenderOptions } from './render-text.js';
export {
  COMMAND_EXECUTOR_OVERHEAD,
  DEFAULT_PORTS,
  MASTER_PORT_NAMES,
  PORT_PROPERTY_KEYS,
  defaultCheckPortsRequirements,
  masterFootprint,
  workerFootprint,
  workerPortNames,
  type AlluxioPortName,
  type CheckPortsRequirements,
  type NamedPort,
  type PortKeySpelling,
} from './requirements.js';
export { CHECK_PORTS_FLOOR, DEPLOY_FLOOR } from './mesos-version.js';
export type * from './report-types.js';
