/**
 * The desired state of a deployment and its rollout, as the scheduler persists them in its ledger.
 *
 * The desired state is data only (no function): each role's launch specification with the Alluxio
 * master's host as a placeholder, so a running scheduler can take a new one from another process
 * (`deploy` with a changed configuration, `scale`, `restart`) and launch from it, and `status` can
 * tell which tasks are outdated without the configuration that produced it.
 *
 * The rollout record is what a SIGKILLed scheduler needs to resume: which aliases are being
 * replaced and from which task id (an alias whose task id moved on is never replaced again), which
 * are done, and where and why it halted.
 */
import type { CommandInfo } from '../mesos/protocol/types.js';
import { ConfigError } from '../shared/errors.js';

/** `master` or `worker` (the ledger's SlotRole; not imported, the ledger imports this module). */
type SlotRole = 'master' | 'worker';

/** One role's launch specification: everything a task of it is launched with, but the master's host. */
export interface LaunchSpecRecord {
  role: SlotRole;
  name: string;
  cpus: number;
  memMb: number;
  ports: number[];
  /** Probed by the health check. */
  rpcPort: number;
  bindHost?: string;
  /** The task's command with the master host placeholder (see framework/scheduler/fingerprint.ts). */
  command: CommandInfo;
  /** The Alluxio properties the task is given (the site file's non-default keys, the ramdisk size). */
  properties: Record<string, string>;
  /** `LOCAL <alluxio.home>` or the tarball URL. */
  distribution: string;
}

export interface DesiredState {
  /** Grows by one with every change of the desired state (1: the first deploy). */
  revision: number;
  /** Epoch ms when it was made. */
  at: number;
  masters: number;
  /** Undefined: one worker on every agent that fits. */
  workers: number | undefined;
  pinnedMasterHost?: string;
  /** A count (`2`) or a percentage of the workers (`25%`). */
  maxUnavailable: string;
  specs: { master: LaunchSpecRecord; worker: LaunchSpecRecord };
  fingerprints: { master: string; worker: string };
  /** `restart`: these aliases are replaced with the same specification. */
  restart?: string[];
  /** What asked for it: `deploy`, `scale`, `restart`, `undo`. */
  source: string;
  /** The id of the request that brought it from another process (applied once). */
  requestId?: string;
}

/** An alias being replaced: done once its task id moved on from `fromTaskId` and the new task is healthy. */
export interface RolloutTarget {
  alias: string;
  fromTaskId: string;
  /** Epoch ms when its kill was decided. */
  startedAt: number;
}

export interface RolloutRecord {
  /** The desired revision rolled out. */
  revision: number;
  phase: 'rolling' | 'halted' | 'done';
  startedAt: number;
  finishedAt?: number;
  /** The desired state before this one, for `rollout undo`. */
  previous: DesiredState | undefined;
  /** The batch being replaced now. */
  inFlight: RolloutTarget[];
  /** Aliases replaced by this rollout, in order. */
  done: string[];
  /** Restart rollouts: aliases still to restart (a change rollout compares fingerprints instead). */
  pending: string[];
  halt?: { alias: string; reason: string; at: number };
}

export function parseDesired(raw: unknown, where: string, fail: (problem: string) => never): DesiredState {
  const record = asRecord(raw) ?? fail(`${where} must be an object`);
  const num = (key: string): number => {
    const value = record[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : fail(`${where}.${key} must be a number`);
  };
  const specs = asRecord(record.specs) ?? fail(`${where}.specs must be an object`);
  const fingerprints = asRecord(record.fingerprints) ?? fail(`${where}.fingerprints must be an object`);
  const fingerprint = (role: SlotRole): string => {
    const value = fingerprints[role];
    return typeof value === 'string' && value.startsWith('sha256:') ? value : fail(`${where}.fingerprints.${role} must be sha256:...`);
  };
  const workers = record.workers === null || record.workers === undefined ? undefined : num('workers');
  return {
    revision: num('revision'),
    at: num('at'),
    masters: num('masters'),
    workers,
    ...(typeof record.pinnedMasterHost === 'string' ? { pinnedMasterHost: record.pinnedMasterHost } : {}),
    maxUnavailable: typeof record.maxUnavailable === 'string' ? record.maxUnavailable : '1',
    specs: {
      master: parseSpec(specs.master, `${where}.specs.master`, fail),
      worker: parseSpec(specs.worker, `${where}.specs.worker`, fail),
    },
    fingerprints: { master: fingerprint('master'), worker: fingerprint('worker') },
    ...(Array.isArray(record.restart) ? { restart: record.restart.filter((alias): alias is string => typeof alias === 'string') } : {}),
    source: typeof record.source === 'string' ? record.source : 'deploy',
    ...(typeof record.requestId === 'string' ? { requestId: record.requestId } : {}),
  };
}

function parseSpec(raw: unknown, where: string, fail: (problem: string) => never): LaunchSpecRecord {
  const spec = asRecord(raw) ?? fail(`${where} must be an object`);
  const num = (key: string): number => {
    const value = spec[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : fail(`${where}.${key} must be a number`);
  };
  const str = (key: string): string => {
    const value = spec[key];
    return typeof value === 'string' ? value : fail(`${where}.${key} must be a string`);
  };
  const role = spec.role === 'master' || spec.role === 'worker' ? spec.role : fail(`${where}.role must be "master" or "worker"`);
  const command = (asRecord(spec.command) as CommandInfo | undefined) ?? fail(`${where}.command must be an object`);
  const properties = asRecord(spec.properties) ?? fail(`${where}.properties must be an object`);
  const ports = Array.isArray(spec.ports) && spec.ports.every((port) => typeof port === 'number') ? (spec.ports as number[]) : [];
  return {
    role,
    name: str('name'),
    cpus: num('cpus'),
    memMb: num('memMb'),
    ports: [...ports],
    rpcPort: num('rpcPort'),
    ...(typeof spec.bindHost === 'string' ? { bindHost: spec.bindHost } : {}),
    command,
    properties: Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, String(value)])),
    distribution: str('distribution'),
  };
}

export function parseRollout(raw: unknown, where: string, fail: (problem: string) => never): RolloutRecord {
  const record = asRecord(raw) ?? fail(`${where} must be an object`);
  const num = (key: string): number => {
    const value = record[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : fail(`${where}.${key} must be a number`);
  };
  const strings = (key: string): string[] =>
    Array.isArray(record[key]) ? (record[key] as unknown[]).filter((item): item is string => typeof item === 'string') : [];
  const phase = record.phase === 'rolling' || record.phase === 'halted' || record.phase === 'done' ? record.phase : fail(`${where}.phase`);
  const inFlight = (Array.isArray(record.inFlight) ? (record.inFlight as unknown[]) : []).map((entry, index) => {
    const target = asRecord(entry) ?? fail(`${where}.inFlight[${index}] must be an object`);
    if (typeof target.alias !== 'string' || typeof target.fromTaskId !== 'string' || typeof target.startedAt !== 'number') {
      fail(`${where}.inFlight[${index}] must have alias, fromTaskId and startedAt`);
    }
    return { alias: target.alias as string, fromTaskId: target.fromTaskId as string, startedAt: target.startedAt as number };
  });
  const halt = asRecord(record.halt);
  return {
    revision: num('revision'),
    phase,
    startedAt: num('startedAt'),
    ...(typeof record.finishedAt === 'number' ? { finishedAt: record.finishedAt } : {}),
    previous:
      record.previous === null || record.previous === undefined ? undefined : parseDesired(record.previous, `${where}.previous`, fail),
    inFlight,
    done: strings('done'),
    pending: strings('pending'),
    ...(halt === undefined ? {} : { halt: { alias: String(halt.alias), reason: String(halt.reason), at: Number(halt.at) } }),
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A handed-over desired state as written (JSON, trailing newline). */
export function serializeDesiredRequest(desired: DesiredState): string {
  return `${JSON.stringify(desired, null, 2)}\n`;
}

/** Reads a handed-over desired state; malformed text is a ConfigError naming `where`. */
export function parseDesiredRequest(text: string, where: string): DesiredState {
  const fail = (problem: string): never => {
    throw new ConfigError(
      `${where}: ${problem}`,
      {},
      { hint: 'it is written by deploy, scale, restart and rollout undo: run the command again' },
    );
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail('not valid JSON');
  }
  return parseDesired(raw, 'desired', fail);
}
