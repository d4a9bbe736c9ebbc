/**
 * The scheduler's persisted memory: the framework id and one record per task slot ("alias"). It is
 * written before every ACCEPT so that a crash between ACCEPT and the next write can never leave a
 * task running that no ledger knows about; a restarted `deploy` resubscribes with the id and adopts
 * the tasks instead of launching duplicates.
 */
import path from 'node:path';
import { ConfigError } from '../shared/errors.js';
import { oneLineQuote } from '../shared/excerpt.js';
import { writeFileAtomic } from '../shared/atomic-file.js';
import { readBoundedText, UnfitFileError } from '../shared/bounded-read.js';
import { isTaskState, TERMINAL_TASK_STATES, type TaskState } from '../mesos/protocol/types.js';
import { parseDesired, parseRollout, type DesiredState, type RolloutRecord } from './desired-state.js';

const LEDGER_VERSION = 1;

export type SlotRole = 'master' | 'worker';

export interface LedgerFailure {
  readonly state: TaskState;
  readonly at: number;
  readonly message?: string;
  readonly reason?: string;
}

/**
 * One alias (`master-1`, `worker-3`) and the task currently filling it. The alias survives
 * relaunches; the task id changes with each launch.
 */
export interface LedgerTask {
  alias: string;
  role: SlotRole;
  taskId: string;
  agentId: string;
  hostname: string;
  ports: number[];
  state: TaskState;
  /** The latest `healthy` Mesos reported; undefined until a health check has answered. */
  healthy: boolean | undefined;
  /** Epoch ms of the latest launch of this alias. */
  launchedAt: number;
  relaunchCount: number;
  /** Epoch ms of recent failures, oldest first, pruned to the crash-loop window. */
  failures: number[];
  lastFailure: LedgerFailure | undefined;
  /**
   * Set when we sent KILL: such a kill is never mistaken for a crash. `replace`: a rollout's kill,
   * relaunched at once with the desired specification (no failure counted).
   */
  killRequested: { at: number; relaunch: boolean; replace?: boolean } | undefined;
  /** When the dead task's alias may be relaunched (epoch ms). */
  relaunchAt: number | undefined;
  /** Too many failures in the window: no more relaunches in this run. */
  crashLooped: boolean;
  /** The fingerprint of the launch specification of the current task; undefined when not known. */
  fingerprint?: string;
  /** A rollout's relaunch waits for an offer of its own agent until then (epoch ms): its data is there. */
  sameAgentUntil?: number;
}

export interface Ledger {
  version: typeof LEDGER_VERSION;
  frameworkId: string | undefined;
  /** The Alluxio master's web UI, for FrameworkInfo.webui_url on the next subscribe. */
  webuiUrl: string | undefined;
  /**
   * Epoch ms when `deploy` last disconnected on purpose (Ctrl-C, SIGTERM): Mesos does not say when a
   * framework lost its scheduler, and `status` needs it to tell how much failover time is left.
   */
  disconnectedAt?: number;
  nextAlias: { master: number; worker: number };
  tasks: LedgerTask[];
  /** What should run (see desired-state.ts); undefined in ledgers from before it existed. */
  desired?: DesiredState;
  /** The latest rollout of a desired state, kept once done for `rollout status`. */
  rollout?: RolloutRecord;
}

/** A fresh record for an alias: no failures, no relaunches, health unknown; the caller fills in the task. */
export function newLedgerTask(
  fields: Pick<LedgerTask, 'alias' | 'role' | 'taskId' | 'agentId' | 'hostname' | 'state' | 'launchedAt'>,
): LedgerTask {
  return {
    ...fields,
    ports: [],
    healthy: undefined,
    relaunchCount: 0,
    failures: [],
    lastFailure: undefined,
    killRequested: undefined,
    relaunchAt: undefined,
    crashLooped: false,
  };
}

export function emptyLedger(): Ledger {
  return { version: LEDGER_VERSION, frameworkId: undefined, webuiUrl: undefined, nextAlias: { master: 1, worker: 1 }, tasks: [] };
}

/** States after which Mesos will not run the task again (UNREACHABLE/UNKNOWN: we have given up on it). */
export function isGone(state: TaskState): boolean {
  return TERMINAL_TASK_STATES.has(state) || state === 'TASK_UNREACHABLE' || state === 'TASK_UNKNOWN';
}

/** Tasks that may still be running on some agent. */
export function liveTasks(ledger: Ledger): LedgerTask[] {
  return ledger.tasks.filter((task) => !isGone(task.state));
}

/** The JSON text written to disk (stable key order, trailing newline). */
export function serializeLedger(ledger: Ledger): string {
  return `${JSON.stringify(
    {
      version: ledger.version,
      frameworkId: ledger.frameworkId ?? null,
      webuiUrl: ledger.webuiUrl ?? null,
      ...(ledger.disconnectedAt === undefined ? {} : { disconnectedAt: ledger.disconnectedAt }),
      nextAlias: ledger.nextAlias,
      tasks: ledger.tasks.map((task) => ({
        ...task,
        healthy: task.healthy ?? null,
        lastFailure: task.lastFailure ?? null,
        killRequested: task.killRequested ?? null,
        relaunchAt: task.relaunchAt ?? null,
      })),
      ...(ledger.desired === undefined ? {} : { desired: ledger.desired }),
      ...(ledger.rollout === undefined ? {} : { rollout: ledger.rollout }),
    },
    null,
    2,
  )}\n`;
}

/** A deep copy, for callers that keep a snapshot while the scheduler goes on mutating its own. */
function cloneLedger(ledger: Ledger): Ledger {
  return parseLedger(serializeLedger(ledger));
}

/** Parses and validates ledger text; anything malformed is a ConfigError naming the file and the fix. */
export function parseLedger(text: string, file?: string): Ledger {
  const fail = (problem: string): never => {
    throw new ConfigError(`${file ?? 'scheduler ledger'}: ${problem}`, file === undefined ? {} : { file }, {
      hint:
        'The ledger is written by `deploy`; restore it from the .bak file next to it. The .bak is one write behind: ' +
        'tasks launched since are found by reconciliation when deploy subscribes, and adopted or killed. ' +
        'Or move it aside: deploy then registers a new framework, and the tasks it recorded keep running under the old one ' +
        'until its failover timeout (or `alluxio-mesos teardown --framework-id <id>`).',
    });
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${oneLineQuote((error as Error).message)})`);
  }
  const root = asRecord(raw) ?? fail('expected a JSON object');
  if (root.version !== LEDGER_VERSION) fail(`unsupported version ${JSON.stringify(root.version)} (expected ${LEDGER_VERSION})`);
  const frameworkId = optionalString(root.frameworkId) ?? undefined;
  if (root.frameworkId !== null && root.frameworkId !== undefined && frameworkId === undefined) fail('frameworkId must be a string');
  const nextAlias = asRecord(root.nextAlias) ?? fail('nextAlias must be an object');
  const nextMaster = positiveInt(nextAlias.master) ?? fail('nextAlias.master must be a positive integer');
  const nextWorker = positiveInt(nextAlias.worker) ?? fail('nextAlias.worker must be a positive integer');
  if (!Array.isArray(root.tasks)) fail('tasks must be an array');
  const seen = new Set<string>();
  const tasks = (root.tasks as unknown[]).map((entry, index): LedgerTask => {
    const where = `tasks[${index}]`;
    const t = asRecord(entry) ?? fail(`${where} must be an object`);
    const str = (key: string): string => {
      const value = t[key];
      return typeof value === 'string' && value !== '' ? value : fail(`${where}.${key} must be a non-empty string`);
    };
    const num = (key: string): number => {
      const value = t[key];
      return typeof value === 'number' && Number.isFinite(value) ? value : fail(`${where}.${key} must be a number`);
    };
    const role = t.role === 'master' || t.role === 'worker' ? t.role : fail(`${where}.role must be "master" or "worker"`);
    const state = str('state');
    if (!isTaskState(state)) fail(`${where}.state "${state}" is not a Mesos task state`);
    const alias = str('alias');
    if (seen.has(alias)) fail(`alias ${alias} appears twice`);
    seen.add(alias);
    const ports =
      Array.isArray(t.ports) && t.ports.every((p) => positiveInt(p) !== undefined && (p as number) <= 65535)
        ? (t.ports as number[])
        : fail(`${where}.ports must be a list of ports (1-65535)`);
    const failures =
      Array.isArray(t.failures) && t.failures.every((f) => typeof f === 'number')
        ? (t.failures as number[])
        : fail(`${where}.failures must be a list of times`);
    const healthy =
      t.healthy === null || t.healthy === undefined
        ? undefined
        : typeof t.healthy === 'boolean'
          ? t.healthy
          : fail(`${where}.healthy must be a boolean`);
    const lastFailure =
      t.lastFailure === null || t.lastFailure === undefined
        ? undefined
        : ((asRecord(t.lastFailure) as unknown as LedgerFailure | undefined) ?? fail(`${where}.lastFailure must be an object`));
    const kill =
      t.killRequested === null || t.killRequested === undefined
        ? undefined
        : (asRecord(t.killRequested) ?? fail(`${where}.killRequested must be an object`));
    const relaunchAt = t.relaunchAt === null || t.relaunchAt === undefined ? undefined : num('relaunchAt');
    return {
      alias,
      role,
      taskId: str('taskId'),
      agentId: str('agentId'),
      // Empty: an adopted task whose host no offer has named yet.
      hostname: typeof t.hostname === 'string' ? t.hostname : fail(`${where}.hostname must be a string`),
      ports: [...ports],
      state: state as TaskState,
      healthy,
      launchedAt: num('launchedAt'),
      relaunchCount: num('relaunchCount'),
      failures: [...failures],
      lastFailure,
      killRequested:
        kill === undefined
          ? undefined
          : { at: Number(kill.at), relaunch: kill.relaunch === true, ...(kill.replace === true ? { replace: true } : {}) },
      relaunchAt,
      crashLooped: t.crashLooped === true,
      ...(typeof t.fingerprint === 'string' ? { fingerprint: t.fingerprint } : {}),
      ...(typeof t.sameAgentUntil === 'number' ? { sameAgentUntil: t.sameAgentUntil } : {}),
    };
  });
  const disconnectedAt = positiveInt(root.disconnectedAt);
  return {
    version: LEDGER_VERSION,
    frameworkId,
    webuiUrl: optionalString(root.webuiUrl),
    nextAlias: { master: nextMaster, worker: nextWorker },
    tasks,
    ...(disconnectedAt === undefined ? {} : { disconnectedAt }),
    ...(root.desired === undefined || root.desired === null ? {} : { desired: parseDesired(root.desired, 'desired', fail) }),
    ...(root.rollout === undefined || root.rollout === null ? {} : { rollout: parseRollout(root.rollout, 'rollout', fail) }),
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

const LEDGER_FILE_NAME = 'alluxio-mesos-ledger.json';

/** The ledger of the deployment configured by `siteFile`: in the same directory. */
export function ledgerPathNextTo(siteFile: string): string {
  return path.join(path.dirname(siteFile), LEDGER_FILE_NAME);
}

/** Where the ledger lives; the controller only loads at start and saves before ACCEPTs. */
export interface LedgerStore {
  load(): Promise<Ledger | undefined>;
  save(ledger: Ledger): Promise<void>;
}

/**
 * A ledger file (e.g. next to alluxio-site.properties), replaced atomically, mode 0600. Every save
 * keeps the bytes it replaces as `<file>.bak` (writeFileAtomic's default), so the backup the parse
 * error's hint recommends is always exactly one write behind.
 */
/** About 1 KiB per task: room for many thousands of workers, far below what would strain memory. */
const LEDGER_MAX_BYTES = 64 * 1024 * 1024;

export function fileLedgerStore(path: string): LedgerStore {
  return {
    async load() {
      let text: string;
      try {
        text = await readBoundedText(path, LEDGER_MAX_BYTES);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        if (error instanceof UnfitFileError) {
          throw new ConfigError(
            error.message,
            { file: path },
            { hint: `restore ${path}.bak over it, or move it aside (the scheduler then adopts running tasks from Mesos)` },
          );
        }
        throw new ConfigError(
          `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
          { file: path },
          { cause: error },
        );
      }
      return parseLedger(text, path);
    },
    async save(ledger) {
      await writeFileAtomic(path, serializeLedger(ledger), { mode: 0o600 });
    },
  };
}

/** A store in memory, for tests and dry runs. */
export function memoryLedgerStore(initial?: Ledger): LedgerStore & { saved: Ledger[] } {
  let current = initial === undefined ? undefined : cloneLedger(initial);
  const saved: Ledger[] = [];
  return {
    saved,
    async load() {
      return current === undefined ? undefined : cloneLedger(current);
    },
    async save(ledger) {
      current = cloneLedger(ledger);
      saved.push(current);
    },
  };
}
