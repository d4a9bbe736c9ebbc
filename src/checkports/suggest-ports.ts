/**
 * Fix 2: pick Alluxio ports inside ranges the agents already offer to the role and nobody uses,
 * so no agent has to restart.
 *
 * Workers are chosen first (they want as many agents as possible), then the master ports among
 * what is left (they need `masterCount` agents), so the two sets never collide. For each set, the
 * best run of adjacent ports is found with a sweep over the agents' free ranges; a scattered set
 * (picked greedily, port by port) is used only when it covers strictly more agents. Ties go to
 * the currently configured ports, then to the lowest port: the result is deterministic.
 */
import type { Range } from '../mesos/protocol/types.js';
import { atOrAbove, holdsPort, withoutPort } from '../mesos/resources/normalized-ranges.js';
import type { AgentAnalysis } from './evaluate-agent.js';
import { PORT_LABELS, PORT_PROPERTY_KEYS, type CheckPortsRequirements, type NamedPort, type PortKeySpelling } from './requirements.js';
import type { PortSuggestion, PortSuggestionGroup, SuggestedPortChoice } from './report-types.js';

/** Privileged ports would need root on every agent; never suggest them. */
const LOWEST_SUGGESTED_PORT = 1024;

export interface SuggestPortsOptions {
  readonly masterCount: number;
}

interface Choice {
  readonly ports: number[];
  readonly covered: number;
  readonly adjacent: boolean;
}

/** The lowest start of `count` adjacent ports contained by the most lists, preferring `preferred`. */
export function bestAdjacentBlock(
  freeLists: readonly (readonly Range[])[],
  count: number,
  preferred?: number,
): { start: number; covered: number } | undefined {
  const starts: number[] = [];
  const stops: number[] = [];
  for (const list of freeLists) {
    for (const range of list) {
      const lastStart = range.end - count + 1;
      if (lastStart < range.begin) continue;
      starts.push(range.begin);
      stops.push(lastStart + 1);
    }
  }
  if (starts.length === 0) return undefined;
  const sortedStarts = Float64Array.from(starts).sort();
  const sortedStops = Float64Array.from(stops).sort();
  let best = { start: sortedStarts[0]!, covered: 0 };
  let stopIndex = 0;
  for (let i = 0; i < sortedStarts.length; i++) {
    const position = sortedStarts[i]!;
    // Evaluate each distinct start once, after all intervals beginning there are counted.
    if (i + 1 < sortedStarts.length && sortedStarts[i + 1] === position) continue;
    while (stopIndex < sortedStops.length && sortedStops[stopIndex]! <= position) stopIndex++;
    const covered = i + 1 - stopIndex;
    if (covered > best.covered) best = { start: position, covered };
  }
  if (preferred !== undefined) {
    const preferredCovered = freeLists.filter((list) => blockFits(list, preferred, count)).length;
    if (preferredCovered === best.covered && preferredCovered > 0) return { start: preferred, covered: preferredCovered };
  }
  return best;
}

function blockFits(list: readonly Range[], start: number, count: number): boolean {
  return list.some((range) => range.begin <= start && start + count - 1 <= range.end);
}

/** Port by port: each next port is the one free on most of the agents that took the previous ones. */
function greedyScattered(freeLists: readonly (readonly Range[])[], count: number): Choice | undefined {
  let pool = freeLists.map((list) => [...list]);
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const best = bestAdjacentBlock(pool, 1);
    if (best === undefined || best.covered === 0) return undefined;
    ports.push(best.start);
    pool = pool.filter((list) => holdsPort(list, best.start)).map((list) => withoutPort(list, best.start));
  }
  return { ports, covered: pool.length, adjacent: false };
}

function choosePorts(freeLists: readonly (readonly Range[])[], current: readonly NamedPort[]): Choice | undefined {
  const count = current.length;
  if (count === 0) return { ports: [], covered: freeLists.length, adjacent: true };
  const currentSorted = current.map((port) => port.port).sort((a, b) => a - b);
  const currentAdjacent = currentSorted.every((port, i) => i === 0 || port === currentSorted[i - 1]! + 1);
  const block = bestAdjacentBlock(freeLists, count, currentAdjacent ? currentSorted[0] : undefined);
  const adjacent: Choice | undefined =
    block === undefined || block.covered === 0
      ? undefined
      : { ports: Array.from({ length: count }, (_, i) => block.start + i), covered: block.covered, adjacent: true };
  if (adjacent !== undefined && adjacent.covered === freeLists.length) return adjacent;
  const scattered = count > 1 ? greedyScattered(freeLists, count) : undefined;
  if (scattered !== undefined && (adjacent === undefined || scattered.covered > adjacent.covered)) {
    return { ...scattered, ports: [...scattered.ports].sort((a, b) => a - b) };
  }
  return adjacent;
}

function candidateFreePorts(analysis: AgentAnalysis, exclude: readonly number[]): Range[] {
  let ranges = atOrAbove(analysis.capacity.freePorts, LOWEST_SUGGESTED_PORT);
  for (const port of exclude) ranges = withoutPort(ranges, port);
  return ranges;
}

function buildGroup(
  kind: 'master' | 'worker',
  eligible: readonly AgentAnalysis[],
  exclude: readonly number[],
  wanted: readonly NamedPort[],
  needed: number,
  req: CheckPortsRequirements,
): { group: PortSuggestionGroup; taken: number[] } {
  const task = kind === 'master' ? 'the master' : 'a worker';
  const freeLists = eligible.map((analysis) => candidateFreePorts(analysis, exclude));
  const choice = eligible.length === 0 ? undefined : choosePorts(freeLists, wanted);
  const keys = PORT_PROPERTY_KEYS[req.spelling];
  const ports: SuggestedPortChoice[] =
    choice === undefined ? [] : wanted.map((port, i) => ({ name: port.name, key: keys[port.name], port: choice.ports[i]! }));
  const covered = choice?.covered ?? 0;
  const ok = choice !== undefined && covered >= needed;
  let message: string | undefined;
  if (eligible.length === 0) {
    message = `no agent has enough cpus/mem for ${task}, so no choice of ports helps`;
  } else if (choice === undefined) {
    message = `no agent offers ${wanted.length} free port${wanted.length === 1 ? '' : 's'} (${wanted
      .map((port) => PORT_LABELS[port.name])
      .join(', ')}) to role '${req.role}' at or above ${LOWEST_SUGGESTED_PORT}`;
  } else if (!ok) {
    const purpose = kind === 'master' ? `${needed} master${needed === 1 ? '' : 's'}` : 'a worker';
    message = `the best choice is free on only ${covered} agent${covered === 1 ? '' : 's'}; ${needed} needed for ${purpose}`;
  }
  return {
    group: {
      ports,
      agentsCovered: covered,
      agentsEligible: eligible.length,
      agentsNeeded: needed,
      adjacent: choice?.adjacent ?? false,
      ok,
      ...(message === undefined ? {} : { message }),
    },
    taken: choice?.ports ?? [],
  };
}

/**
 * `key=value` lines for the suggested ports, master ports first. `spelling` re-keys them for a
 * site file that uses the other generation of names (`--write` keeps the file's spelling).
 */
export function suggestedPortProperties(suggestion: Pick<PortSuggestion, 'master' | 'worker'>, spelling?: PortKeySpelling): string[] {
  return [...suggestion.master.ports, ...suggestion.worker.ports].map(
    (choice) => `${spelling === undefined ? choice.key : PORT_PROPERTY_KEYS[spelling][choice.name]}=${choice.port}`,
  );
}

export function suggestPorts(
  analyses: readonly AgentAnalysis[],
  req: CheckPortsRequirements,
  options: SuggestPortsOptions,
): PortSuggestion {
  const usable = analyses.filter((analysis) => analysis.eligible);
  const worker = buildGroup(
    'worker',
    usable.filter((analysis) => analysis.fitsBySize.worker),
    [],
    req.worker.ports,
    1,
    req,
  );
  const master = buildGroup(
    'master',
    usable.filter((analysis) => analysis.fitsBySize.master),
    worker.taken,
    req.master.ports,
    Math.max(1, options.masterCount),
    req,
  );
  const suggestion = { spelling: req.spelling, master: master.group, worker: worker.group };
  return {
    ...suggestion,
    properties: suggestedPortProperties(suggestion),
    ok: master.group.ok && worker.group.ok,
  };
}
