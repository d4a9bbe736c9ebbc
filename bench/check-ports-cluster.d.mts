/** Types for the cluster generator in check-ports-cluster.mjs (used by its unit test). */
export interface GenerateOptions {
  seed?: number;
}
export function generateGetAgents(
  count: number,
  options?: GenerateOptions,
): {
  type: 'GET_AGENTS';
  get_agents: { agents: unknown[]; recovered_agents: unknown[] };
};
export function generateGetAgentsJson(count: number, options?: GenerateOptions): string;
