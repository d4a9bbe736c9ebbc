/**
 * What `status` reports, gathered from Mesos (frameworks, tasks, agents) and the scheduler's ledger
 * (aliases, relaunch counts, ports, the web UI). Mesos is the truth for states; the ledger only
 * names tasks and says which ones are wanted. A task the ledger remembers but Mesos does not list
 * is reported as unknown to Mesos, never with the state the ledger last saw: after a lost agent or
 * a restarted master the ledger still says RUNNING for tasks nobody knows about.
 */
import type { MesosMasterClient } from '../mesos/client/master-client.js';
import type { FrameworkRecord } from '../mesos/client/frameworks.js';
import type { TaskRecord } from '../mesos/client/tasks.js';
import type { Ledger, LedgerTask } from '../state/ledger.js';
import type { DesiredState, RolloutRecord } from '../state/desired-state.js';
import type { SchedulerIdentity, SchedulerPresence } from '../state/deployment-state.js';
import { aliasOfTaskId, FINGERPRINT_LABEL } from '../state/task-names.js';
import { TERMINAL_TASK_STATES, type TaskState } from '../mesos/protocol/types.js';

/**
 * - `healthy`, `unhealthy`: the latest health check result of a running task;
 * - `unknown`: the task has a health check that has not answered yet (not OK);
 * - `unchecked`: the task runs without a health check (`deploy --no-health-checks`);
 * - `none`: the task does not run, or Mesos does not know it.
 */
type TaskHealth = 'healthy' | 'unhealthy' | 'unknown' | 'unchecked' | 'none';

interface StatusTask {
  alias: string;
  taskId: string;
  role: 'master' | 'worker' | 'unknown';
  /** Mesos' state; `TASK_UNKNOWN` when Mesos does not list the task (see `knownToMesos`). */
  state: string;
  healthy: boolean | null;
  health: TaskHealth;
  host: string | null;
  ports: number[];
  startedAt: string | null;
  relaunches: number;
  /** Mesos lists the task (running, pending, unreachable or completed). */
  knownToMesos: boolean;
  /** The state the ledger last recorded, for a task Mesos does not list; else null. */
  ledgerState: string | null;
  /** Whether the task's agent is registered with the master; null when the agent is not known at all. */
  agentRegistered: boolean | null;
  /** Why the state is what it is when that is not obvious (unknown to Mesos, agent not registered). */
  note: string | null;
  /** The fingerprint of its launch specification (Mesos' task label, else the ledger); null when not known. */
  fingerprint?: string | null;
  /** Its fingerprint differs from the desired one of its role; null when either is not known. */
  outdated?: boolean | null;
}

/** What should run against what runs, and the latest rollout (from the ledger). */
interface StatusDesired {
  revision: number;
  source: string;
  fingerprints: { master: string; worker: string };
  masters: { desired: number; running: number };
  /** `desired` null: one worker on every agent that fits. */
  workers: { desired: number | null; running: number };
  /** Running tasks whose fingerprint differs from the desired one. */
  outdated: string[];
  maxUnavailable: string;
}

interface StatusRollout {
  revision: number;
  phase: 'rolling' | 'halted' | 'done';
  startedAt: string;
  finishedAt: string | null;
  replaced: string[];
  replacing: string[];
  pending: string[];
  halt: { alias: string; reason: string; at: string } | null;
}

/** A scheduler as `status --json` shows it (times as ISO strings). */
interface StatusScheduler {
  pid: number;
  host: string;
  since: string;
}

/** Which master leads, as read where Alluxio publishes it (see commands/status/run.ts). */
export type LeaderReading =
  /** ZooKeeper election: `address` is the leader's `host:port`, null when none leads now. */
  | { readonly kind: 'zookeeper'; readonly source: string; readonly address: string | null }
  /** ZooKeeper could not be read. */
  | { readonly kind: 'zookeeper'; readonly source: string; readonly error: string }
  /** The embedded journal elects its leader among the masters; nothing outside Alluxio's RPC says which. */
  | { readonly kind: 'embedded' };

interface StatusMasters {
  /** How several masters elect a leader: `none` with one master and no election. */
  highAvailability: 'none' | 'zookeeper' | 'embedded';
  /** The leading master; null when none leads, or when it cannot be told (see `note`). */
  leader: { alias: string | null; address: string } | null;
  /** Where the leader was read (`zk://.../leader`); null without ZooKeeper. */
  leaderSource: string | null;
  /** Why the leader is not shown, when it is not. */
  note: string | null;
}

export interface StatusReport {
  framework: {
    id: string;
    name: string | null;
    state: 'active' | 'disconnected' | 'inactive' | 'completed' | 'unknown';
    failoverTimeoutSeconds: number | null;
    /** Disconnected only: seconds until Mesos kills the tasks, when deploy recorded its disconnection. */
    failoverSecondsLeft: number | null;
    /** A scheduler is subscribed to the framework right now: only then are failed tasks relaunched. */
    schedulerConnected: boolean;
  };
  /** Who schedules the framework: Mesos says whether one is connected; the deployment's state says who. */
  scheduler: {
    connected: boolean;
    /** The scheduler holding the deployment's lease, as its state records it; null when none does. */
    active: (StatusScheduler & { heartbeatAt: string | null }) | null;
    /** `deploy --standby` processes waiting to take over. */
    standbys: StatusScheduler[];
    /** Not connected: since when, when known (deploy's recorded disconnection, or the last heartbeat). */
    disconnectedSince: string | null;
    /** Not connected: when Mesos kills the tasks (the failover timeout after the disconnection), when known. */
    tasksKeptUntil: string | null;
    /** Where the deployment's state lives (a file, or a zk:// URL). */
    stateLocation: string | null;
  };
  webuiUrl: string | null;
  /** The Alluxio masters' leader election, and which master leads. */
  masters: StatusMasters;
  /** The saved ledger describes this framework, so its aliases and wanted tasks were used. */
  ledgerUsed: boolean;
  tasks: StatusTask[];
  /** Null when the ledger records no desired state (deployed before desired states existed). */
  desired?: StatusDesired | null;
  /** The latest rollout of the desired state, null when none ran. */
  rollout?: StatusRollout | null;
  /** A scheduler is connected, and every wanted task runs (as Mesos says) and is healthy where it is checked. */
  ok: boolean;
  problems: string[];
}

const ACTIVE_LISTS = new Set(['active', 'pending', 'unreachable']);

function frameworkState(framework: FrameworkRecord | undefined): StatusReport['framework']['state'] {
  if (framework === undefined) return 'unknown';
  if (framework.completed) return 'completed';
  if (framework.connected === false) return 'disconnected';
  return framework.active ? 'active' : 'inactive';
}

function portsOf(task: TaskRecord): number[] {
  const ports: number[] = [];
  for (const resource of task.resources) {
    if (resource.name !== 'ports') continue;
    for (const range of resource.ranges?.range ?? [])
      for (let port = range.begin; port <= range.end && ports.length < 16; port++) ports.push(port);
  }
  return ports;
}

function roleOf(alias: string, entry: LedgerTask | undefined): StatusTask['role'] {
  return entry?.role ?? (alias.startsWith('master-') ? 'master' : alias.startsWith('worker-') ? 'worker' : 'unknown');
}

function healthOf(task: TaskRecord): { healthy: boolean | null; health: TaskHealth } {
  // A health check result describes a running task; after it ended the last one is stale.
  if (task.state !== 'TASK_RUNNING') return { healthy: null, health: 'none' };
  const latest = [...task.statuses].reverse().find((status) => status.healthy !== undefined)?.healthy;
  if (latest !== undefined) return { healthy: latest, health: latest ? 'healthy' : 'unhealthy' };
  return { healthy: null, health: task.hasHealthCheck ? 'unknown' : 'unchecked' };
}

function fromMesos(task: TaskRecord, entry: LedgerTask | undefined, agents: ReadonlyMap<string, string>): StatusTask {
  const started = task.statuses.find((status) => status.state === 'TASK_RUNNING')?.timestamp ?? task.statuses[0]?.timestamp;
  const alias = entry?.alias ?? aliasOfTaskId(task.taskId) ?? task.taskId;
  const registered = agents.has(task.agentId);
  const host = agents.get(task.agentId) ?? entry?.hostname ?? null;
  return {
    alias,
    taskId: task.taskId,
    role: roleOf(alias, entry),
    state: task.state,
    ...healthOf(task),
    host,
    ports: entry?.ports ?? portsOf(task),
    startedAt: started === undefined ? null : new Date(started * 1000).toISOString(),
    relaunches: entry?.relaunchCount ?? 0,
    knownToMesos: true,
    ledgerState: null,
    agentRegistered: registered,
    note: registered ? null : `its agent ${host ?? task.agentId} is not registered with the master`,
    fingerprint: task.labels?.get(FINGERPRINT_LABEL) ?? (entry?.taskId === task.taskId ? entry.fingerprint : undefined) ?? null,
    outdated: null,
  };
}

/**
 * A wanted task of the ledger that Mesos does not list at all. One the scheduler saw end (FAILED,
 * LOST, ...: waiting for its relaunch) keeps that state, since an ended task never runs again; any
 * other is unknown, whatever the ledger says.
 */
function unknownToMesos(entry: LedgerTask, agents: ReadonlyMap<string, string>): StatusTask {
  const registered = agents.has(entry.agentId);
  const ended = TERMINAL_TASK_STATES.has(entry.state);
  const lastSeen = `the ledger last recorded it ${entry.state.replace(/^TASK_/, '')}`;
  return {
    alias: entry.alias,
    taskId: entry.taskId,
    role: entry.role,
    state: ended ? entry.state : 'TASK_UNKNOWN',
    healthy: null,
    health: 'none',
    host: entry.hostname,
    ports: entry.ports,
    startedAt: new Date(entry.launchedAt).toISOString(),
    relaunches: entry.relaunchCount,
    knownToMesos: false,
    ledgerState: entry.state,
    agentRegistered: registered,
    note: ended
      ? 'Mesos no longer lists it; waiting for its relaunch'
      : registered
        ? `unknown to Mesos (${lastSeen})`
        : `unknown to Mesos: on agent ${entry.hostname}, which is not registered with the master, so it may still run (${lastSeen})`,
    fingerprint: entry.fingerprint ?? null,
    outdated: null,
  };
}

/** A wanted task whose latest launch Mesos lists as completed (failed, killed, lost: waiting for a relaunch). */
function completedInMesos(task: TaskRecord, entry: LedgerTask, agents: ReadonlyMap<string, string>): StatusTask {
  return { ...fromMesos(task, entry, agents), alias: entry.alias, role: entry.role, startedAt: new Date(entry.launchedAt).toISOString() };
}

function problemOf(task: StatusTask): string | undefined {
  if (task.state === 'TASK_UNKNOWN' && !task.knownToMesos) return `${task.alias} is ${task.note ?? 'unknown to Mesos'}`;
  // The note (why) goes with the task in the table and the JSON; the problem stays the plain state.
  if (task.state !== 'TASK_RUNNING') return `${task.alias} is ${task.state.replace(/^TASK_/, '')}`;
  if (task.health === 'unhealthy') return `${task.alias} is unhealthy`;
  if (task.health === 'unknown') return `${task.alias}'s health is not known yet (its health check has not answered)`;
  if (task.agentRegistered === false) return `${task.alias} is RUNNING but ${task.note}`;
  return undefined;
}

function schedulerProblem(
  state: StatusReport['framework']['state'],
  framework: FrameworkRecord | undefined,
  disconnectedAt: number | undefined,
): string | undefined {
  if (state === 'active') return undefined;
  if (state === 'unknown' || state === 'completed') return undefined; // said by the "does not run" problem
  const timeout = framework?.failoverTimeoutSeconds;
  const since = disconnectedAt === undefined ? ` (framework ${state}; since when is not known)` : ` since ${iso(disconnectedAt)}`;
  const keeps =
    disconnectedAt !== undefined && timeout !== undefined
      ? `Mesos keeps the tasks until ${iso(disconnectedAt + timeout * 1000)}`
      : timeout === undefined
        ? 'Mesos keeps the tasks for the failover timeout'
        : `Mesos keeps the tasks for the failover timeout (${timeout} s from the disconnection)`;
  return `no scheduler connected${since}: failed tasks will not be relaunched; ${keeps}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function statusScheduler(scheduler: SchedulerIdentity): StatusScheduler {
  return { pid: scheduler.pid, host: scheduler.host, since: iso(scheduler.since) };
}

export function buildStatus(input: {
  /** Epoch ms, for the failover time left. */
  now?: number;
  frameworkId: string;
  framework: FrameworkRecord | undefined;
  tasks: readonly TaskRecord[];
  /** Agent id -> hostname of every agent registered with the master. */
  hostnames: ReadonlyMap<string, string>;
  ledger: Ledger | undefined;
  /** Who holds the deployment's lease (and waits for it), and where that state lives. */
  presence?: SchedulerPresence;
  stateLocation?: string;
  /** Which master leads, when the masters elect one; undefined: a single master, no election. */
  leader?: LeaderReading;
}): StatusReport {
  const { frameworkId, framework, hostnames: agents } = input;
  // The saved ledger speaks of one framework: for any other it would invent tasks.
  const ledger = input.ledger?.frameworkId === frameworkId ? input.ledger : undefined;
  const byTaskId = new Map((ledger?.tasks ?? []).map((task) => [task.taskId, task]));
  const ofFramework = input.tasks.filter((task) => task.frameworkId === frameworkId);
  const own = ofFramework.filter((task) => ACTIVE_LISTS.has(task.list));
  const tasks: StatusTask[] = own.map((task) => fromMesos(task, byTaskId.get(task.taskId), agents));
  // Wanted tasks the ledger knows but Mesos does not run: completed in Mesos, or not listed at all.
  for (const entry of ledger?.tasks ?? []) {
    if (tasks.some((task) => task.alias === entry.alias)) continue;
    const wanted = entry.killRequested === undefined || entry.killRequested.relaunch;
    if (!wanted) continue;
    const completed = ofFramework.find((task) => task.taskId === entry.taskId);
    tasks.push(completed === undefined ? unknownToMesos(entry, agents) : completedInMesos(completed, entry, agents));
  }
  tasks.sort((a, b) => (a.role === b.role ? a.alias.localeCompare(b.alias, 'en', { numeric: true }) : a.role === 'master' ? -1 : 1));

  const state = frameworkState(framework);
  const { presence } = input;
  // A disconnection deploy recorded on its way out, else the last heartbeat of a scheduler that died.
  const disconnectedAt = ledger?.disconnectedAt ?? (presence?.leader === undefined ? presence?.lastSeenAt : undefined);
  const connected = state === 'active';
  const failoverSecondsLeft = failoverLeft(state, framework?.failoverTimeoutSeconds, disconnectedAt, input.now ?? Date.now());
  const problems: string[] = [];
  // No scheduler comes first: whatever the tasks do now, nothing would relaunch a failed one.
  const noScheduler = schedulerProblem(state, framework, disconnectedAt);
  if (noScheduler !== undefined) problems.push(noScheduler);
  if (state === 'unknown' || state === 'completed') problems.push(`Mesos does not run framework ${frameworkId}`);
  for (const task of tasks) {
    const problem = problemOf(task);
    if (problem !== undefined) problems.push(problem);
  }
  const desired = ledger?.desired;
  if (desired !== undefined) {
    for (const task of tasks) {
      if (task.role === 'unknown' || task.fingerprint === null || task.fingerprint === undefined) continue;
      task.outdated = !TERMINAL_TASK_STATES.has(task.state as TaskState) ? task.fingerprint !== desired.fingerprints[task.role] : null;
    }
  }
  const rollout = ledger?.rollout;
  if (rollout?.phase === 'halted') {
    problems.push(`rollout ${rollout.revision} halted at ${rollout.halt?.alias ?? '?'}: ${rollout.halt?.reason ?? 'unknown reason'}`);
  }
  const masters = describeMasters(input.leader, tasks);
  if (input.leader?.kind === 'zookeeper' && masters.leader === null) problems.push(`no Alluxio master leads: ${masters.note ?? ''}`);
  const running = (role: StatusTask['role']): boolean => tasks.some((task) => task.role === role && task.state === 'TASK_RUNNING');
  if (!tasks.some((task) => task.state === 'TASK_RUNNING')) problems.push('no Alluxio task is running');
  else if (!running('worker')) problems.push('no Alluxio worker is running');
  else if (!running('master')) problems.push('no Alluxio master is running');
  return {
    framework: {
      id: frameworkId,
      name: framework?.name ?? null,
      state,
      failoverTimeoutSeconds: framework?.failoverTimeoutSeconds ?? null,
      failoverSecondsLeft,
      schedulerConnected: connected,
    },
    scheduler: {
      connected,
      active:
        presence?.leader === undefined
          ? null
          : {
              ...statusScheduler(presence.leader),
              heartbeatAt: presence.leader.heartbeatAt === undefined ? null : iso(presence.leader.heartbeatAt),
            },
      standbys: (presence?.standbys ?? []).map(statusScheduler),
      disconnectedSince: connected || disconnectedAt === undefined ? null : iso(disconnectedAt),
      tasksKeptUntil:
        connected || disconnectedAt === undefined || framework?.failoverTimeoutSeconds === undefined
          ? null
          : iso(disconnectedAt + framework.failoverTimeoutSeconds * 1000),
      stateLocation: input.stateLocation ?? null,
    },
    webuiUrl: leaderWebui(ledger?.webuiUrl ?? framework?.webuiUrl ?? null, masters, tasks),
    masters,
    ledgerUsed: ledger !== undefined,
    tasks,
    desired: desired === undefined ? null : statusDesired(desired, tasks),
    rollout: rollout === undefined ? null : statusRollout(rollout),
    ok: problems.length === 0,
    problems,
  };
}

function statusDesired(desired: DesiredState, tasks: readonly StatusTask[]): StatusDesired {
  const runningOf = (role: 'master' | 'worker'): number => tasks.filter((t) => t.role === role && t.state === 'TASK_RUNNING').length;
  return {
    revision: desired.revision,
    source: desired.source,
    fingerprints: { ...desired.fingerprints },
    masters: { desired: desired.masters, running: runningOf('master') },
    workers: { desired: desired.workers ?? null, running: runningOf('worker') },
    outdated: tasks.filter((task) => task.outdated === true).map((task) => task.alias),
    maxUnavailable: desired.maxUnavailable,
  };
}

function statusRollout(rollout: RolloutRecord): StatusRollout {
  return {
    revision: rollout.revision,
    phase: rollout.phase,
    startedAt: iso(rollout.startedAt),
    finishedAt: rollout.finishedAt === undefined ? null : iso(rollout.finishedAt),
    replaced: [...rollout.done],
    replacing: rollout.inFlight.map((target) => target.alias),
    pending: [...rollout.pending],
    halt: rollout.halt === undefined ? null : { alias: rollout.halt.alias, reason: rollout.halt.reason, at: iso(rollout.halt.at) },
  };
}

/**
 * The election as status shows it. The leader publishes `host:rpc port`; the master task on that
 * host holding that port is its alias (masters run on distinct agents).
 */
function describeMasters(reading: LeaderReading | undefined, tasks: readonly StatusTask[]): StatusMasters {
  if (reading === undefined) return { highAvailability: 'none', leader: null, leaderSource: null, note: null };
  if (reading.kind === 'embedded') {
    return {
      highAvailability: 'embedded',
      leader: null,
      leaderSource: null,
      note: 'the embedded journal elects its leader among the masters; ask Alluxio (alluxio fsadmin report) which one leads',
    };
  }
  if ('error' in reading) {
    return {
      highAvailability: 'zookeeper',
      leader: null,
      leaderSource: reading.source,
      note: `cannot read ${reading.source}: ${reading.error}`,
    };
  }
  if (reading.address === null) {
    return { highAvailability: 'zookeeper', leader: null, leaderSource: reading.source, note: `${reading.source} names no leader` };
  }
  const separator = reading.address.lastIndexOf(':');
  const host = reading.address.slice(0, separator).toLowerCase();
  const port = Number(reading.address.slice(separator + 1));
  const task = tasks.find(
    (candidate) =>
      candidate.role === 'master' &&
      candidate.state === 'TASK_RUNNING' &&
      candidate.host?.toLowerCase() === host &&
      candidate.ports.includes(port),
  );
  return {
    highAvailability: 'zookeeper',
    leader: { alias: task?.alias ?? null, address: reading.address },
    leaderSource: reading.source,
    note: task === undefined ? `the leader ${reading.address} is not a master task of this framework` : null,
  };
}

/**
 * With several masters only the leader serves its web UI: the URL the scheduler recorded (the first
 * master it saw up) is moved to the leader's host, the port being the same on every master.
 */
function leaderWebui(recorded: string | null, masters: StatusMasters, tasks: readonly StatusTask[]): string | null {
  const host = tasks.find((task) => task.alias === masters.leader?.alias)?.host;
  if (recorded === null || host === undefined || host === null) return recorded;
  try {
    const url = new URL(recorded);
    url.hostname = host;
    return url.toString().replace(/\/$/, '');
  } catch {
    return recorded;
  }
}

function failoverLeft(
  state: StatusReport['framework']['state'],
  timeoutSeconds: number | undefined,
  disconnectedAt: number | undefined,
  now: number,
): number | null {
  if (state !== 'disconnected' || timeoutSeconds === undefined || disconnectedAt === undefined) return null;
  return Math.max(0, Math.round(timeoutSeconds - (now - disconnectedAt) / 1000));
}

export async function collectStatus(
  client: MesosMasterClient,
  frameworkId: string,
  local: { ledger: Ledger | undefined; presence?: SchedulerPresence; stateLocation?: string; leader?: LeaderReading },
): Promise<StatusReport> {
  const [frameworks, tasks, agents] = await Promise.all([client.getFrameworks(), client.getTasks(), client.getAgents()]);
  const framework =
    frameworks.find((candidate) => candidate.frameworkId === frameworkId && !candidate.completed) ??
    frameworks.find((candidate) => candidate.frameworkId === frameworkId);
  const hostnames = new Map(agents.map((agent) => [agent.agentId, agent.hostname]));
  return buildStatus({ frameworkId, framework, tasks, hostnames, ...local });
}
