/**
 * The plan shown before a change: what differs between the running desired state and the new one,
 * property by property ("alluxio.worker.memory.size 512MB -> 256MB", "task mem 1568 -> 1312 MB"),
 * which aliases that replaces and in what order. Pure: `deploy --dry-run`, an interactive deploy's
 * question and `--json` all read it.
 */
import { isGone, type LedgerTask, type SlotRole } from '../../state/ledger.js';
import type { DesiredState, LaunchSpecRecord } from '../../state/desired-state.js';
import { isOutdated, maxUnavailableCount } from './rollout.js';

interface RoleChange {
  readonly role: SlotRole;
  /** Live aliases of the role that will be replaced. */
  readonly aliases: string[];
  /** One line per difference. */
  readonly changes: string[];
}

export interface RolloutPlan {
  /** No recorded desired state: the first deploy (or a ledger from before desired states). */
  readonly first: boolean;
  readonly changes: RoleChange[];
  readonly restart: string[];
  readonly scale: { readonly from: number | null; readonly to: number | null } | undefined;
  /** Batches in order: workers in groups of the batch size, then masters one by one. */
  readonly batches: string[][];
  readonly batchSize: number;
  /** A master is replaced: the Alluxio service is unavailable until it is back. */
  readonly masterReplaced: boolean;
  /** Nothing differs. */
  readonly unchanged: boolean;
}

export function planRollout(current: DesiredState | undefined, next: DesiredState, tasks: readonly LedgerTask[]): RolloutPlan {
  const live = tasks.filter((task) => !isGone(task.state) && (task.killRequested === undefined || task.killRequested.relaunch));
  const workers = live.filter((task) => task.role === 'worker');
  const batchSize = maxUnavailableCount(next.maxUnavailable, Math.max(1, workers.length));
  if (current === undefined) {
    return { first: true, changes: [], restart: [], scale: undefined, batches: [], batchSize, masterReplaced: false, unchanged: false };
  }
  const changes: RoleChange[] = [];
  for (const role of ['worker', 'master'] as const) {
    if (current.fingerprints[role] === next.fingerprints[role]) continue;
    changes.push({
      role,
      aliases: sortAliases(live.filter((task) => task.role === role && isOutdated(task, next)).map((task) => task.alias)),
      changes: specDiff(current.specs[role], next.specs[role]),
    });
  }
  const restart = sortAliases((next.restart ?? []).filter((alias) => live.some((task) => task.alias === alias)));
  const replaced = new Set([...changes.flatMap((change) => change.aliases), ...restart]);
  const order = (role: SlotRole): string[] => sortAliases(live.filter((t) => t.role === role && replaced.has(t.alias)).map((t) => t.alias));
  const batches: string[][] = [];
  const workerOrder = order('worker');
  for (let i = 0; i < workerOrder.length; i += batchSize) batches.push(workerOrder.slice(i, i + batchSize));
  for (const alias of order('master')) batches.push([alias]);
  const scale = current.workers === next.workers ? undefined : { from: current.workers ?? null, to: next.workers ?? null };
  const countsChanged = current.masters !== next.masters || current.pinnedMasterHost !== next.pinnedMasterHost;
  return {
    first: false,
    changes,
    restart,
    scale,
    batches,
    batchSize,
    masterReplaced: order('master').length > 0,
    unchanged: changes.length === 0 && restart.length === 0 && scale === undefined && !countsChanged,
  };
}

/** The differences of two launch specifications, one line each. */
function specDiff(before: LaunchSpecRecord, after: LaunchSpecRecord): string[] {
  const lines: string[] = [];
  const field = (label: string, a: string, b: string): void => {
    if (a !== b) lines.push(`${label} ${a} -> ${b}`);
  };
  field('task name', before.name, after.name);
  field('task cpus', String(before.cpus), String(after.cpus));
  if (before.memMb !== after.memMb) lines.push(`task mem ${before.memMb} -> ${after.memMb} MB`);
  field('task ports', before.ports.join(',') || '-', after.ports.join(',') || '-');
  field('distribution', before.distribution, after.distribution);
  const keys = [...new Set([...Object.keys(before.properties), ...Object.keys(after.properties)])].sort();
  for (const key of keys) field(key, before.properties[key] ?? '(unset)', after.properties[key] ?? '(unset)');
  const uris = (spec: LaunchSpecRecord): string => (spec.command.uris ?? []).map((uri) => uri.value).join(' ') || '-';
  field('fetched', uris(before), uris(after));
  const env = (spec: LaunchSpecRecord): Map<string, string> =>
    new Map((spec.command.environment?.variables ?? []).map((variable) => [variable.name, variable.value ?? '']));
  const envBefore = env(before);
  const envAfter = env(after);
  for (const name of [...new Set([...envBefore.keys(), ...envAfter.keys()])].sort()) {
    field(`environment ${name}`, envBefore.get(name) ?? '(unset)', envAfter.get(name) ?? '(unset)');
  }
  // Everything else is in the command text (e.g. a new version of this tool builds it differently).
  if (lines.length === 0) lines.push('the task command changed');
  return lines;
}

/** `worker-1..5` for a run of consecutive aliases, `worker-1, worker-3` otherwise. */
export function aliasRanges(aliases: readonly string[]): string {
  const parts: string[] = [];
  let start: string | undefined;
  let previous: { role: string; n: number } | undefined;
  let last: string | undefined;
  const flush = (): void => {
    if (start === undefined || last === undefined) return;
    parts.push(start === last ? start : `${start}..${/-(\d+)$/.exec(last)?.[1] ?? ''}`);
  };
  for (const alias of aliases) {
    const match = /^(.*)-(\d+)$/.exec(alias);
    const role = match?.[1] ?? alias;
    const n = Number(match?.[2] ?? Number.NaN);
    if (previous !== undefined && previous.role === role && previous.n + 1 === n) {
      last = alias;
    } else {
      flush();
      start = alias;
      last = alias;
    }
    previous = { role, n };
  }
  flush();
  return parts.join(', ');
}

function sortAliases(aliases: string[]): string[] {
  const number = (alias: string): number => Number(/-(\d+)$/.exec(alias)?.[1] ?? 0);
  return [...new Set(aliases)].sort((a, b) => number(a) - number(b));
}
