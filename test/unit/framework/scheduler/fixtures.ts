/** Builders for scheduler tests: a small config, offers, updates, and a step runner. */
import type { Call, Event, Offer, Resource, TaskState, TaskStatus } from '../../../../src/mesos/protocol/types.js';
import { DEFAULT_HEALTH_CHECK, DEFAULT_TIMING, type SchedulerConfig } from '../../../../src/framework/scheduler/config.js';
import { emptyLedger, type Ledger, type LedgerTask } from '../../../../src/state/ledger.js';
import {
  createSchedulerState,
  step,
  type SchedulerAction,
  type SchedulerInput,
  type SchedulerReport,
  type SchedulerState,
} from '../../../../src/framework/scheduler/state-machine.js';

const MASTER_PORTS = [19998, 19999];
const WORKER_PORTS = [29998, 29999, 30000];

export function makeConfig(
  overrides: {
    role?: string;
    masterCount?: number;
    pinnedHost?: string;
    electsLeader?: boolean;
    journalHosts?: string[];
    maxWorkers?: number;
    healthChecks?: boolean;
    workersWithMaster?: boolean;
    timing?: Partial<SchedulerConfig['timing']>;
  } = {},
): SchedulerConfig {
  return {
    role: overrides.role ?? 'alluxio',
    master: {
      name: 'AlluxioMaster',
      cpus: 1,
      memMb: 1024,
      ports: MASTER_PORTS,
      rpcPort: 19998,
      webPort: 19999,
      count: overrides.masterCount ?? 1,
      pinnedHost: overrides.pinnedHost,
      electsLeader: overrides.electsLeader ?? false,
      journalHosts: overrides.journalHosts,
    },
    worker: {
      name: 'AlluxioWorker',
      cpus: 1,
      memMb: 2048,
      ports: WORKER_PORTS,
      rpcPort: 29998,
      max: 'maxWorkers' in overrides ? overrides.maxWorkers : 2,
    },
    healthCheck: overrides.healthChecks === false ? undefined : DEFAULT_HEALTH_CHECK,
    ...(overrides.workersWithMaster === undefined ? {} : { workersWithMaster: overrides.workersWithMaster }),
    taskIdPrefix: 'alluxio',
    command: (role, masterHostname) => ({ shell: true, value: `start-${role} --master ${masterHostname}` }),
    timing: { ...DEFAULT_TIMING, ...overrides.timing },
  };
}

let offerCounter = 0;

/** An offer from agent `agent` (host `<agent>.example`) with plenty of room, unreserved. */
export function offer(
  agent: string,
  options: { cpus?: number; mem?: number; ports?: Array<[number, number]>; resources?: Resource[]; hostname?: string } = {},
): Offer {
  offerCounter += 1;
  const resources: Resource[] = options.resources ?? [
    { name: 'cpus', type: 'SCALAR', scalar: { value: options.cpus ?? 4 }, role: '*', allocation_info: { role: 'alluxio' } },
    { name: 'mem', type: 'SCALAR', scalar: { value: options.mem ?? 8192 }, role: '*', allocation_info: { role: 'alluxio' } },
    {
      name: 'ports',
      type: 'RANGES',
      ranges: {
        range: (
          options.ports ?? [
            [19998, 19999],
            [29998, 30000],
          ]
        ).map(([begin, end]) => ({ begin, end })),
      },
      role: '*',
      allocation_info: { role: 'alluxio' },
    },
  ];
  return {
    id: { value: `offer-${offerCounter}` },
    framework_id: { value: 'fw-1' },
    agent_id: { value: agent },
    hostname: options.hostname ?? `${agent}.example`,
    resources,
    allocation_info: { role: 'alluxio' },
  };
}

export function offersEvent(...offers: Offer[]): Event {
  return { type: 'OFFERS', offers: { offers } };
}

export function subscribedEvent(frameworkId = 'fw-1', heartbeat = 15): Event {
  return { type: 'SUBSCRIBED', subscribed: { framework_id: { value: frameworkId }, heartbeat_interval_seconds: heartbeat } };
}

export function update(taskId: string, agent: string, state: TaskState, extra: Partial<TaskStatus> = {}): Event {
  return {
    type: 'UPDATE',
    update: { status: { task_id: { value: taskId }, agent_id: { value: agent }, state, uuid: 'Ya5zOWGpRPm5zjMIvwQgig==', ...extra } },
  };
}

export function callsOf(actions: readonly SchedulerAction[]): Call[] {
  return actions.flatMap((action) => (action.kind === 'call' ? [action.call] : []));
}
export function reportsOf(actions: readonly SchedulerAction[]): SchedulerReport[] {
  return actions.flatMap((action) => (action.kind === 'report' ? [action.report] : []));
}
export function launchedTasks(
  actions: readonly SchedulerAction[],
): Array<{ taskId: string; agentId: string; name: string; offerId: string }> {
  return callsOf(actions)
    .filter((call) => call.type === 'ACCEPT')
    .flatMap((call) =>
      (call.accept?.operations ?? []).flatMap((op) =>
        (op.launch?.task_infos ?? []).map((task) => ({
          taskId: task.task_id.value,
          agentId: task.agent_id.value,
          name: task.name,
          offerId: call.accept?.offer_ids[0]?.value ?? '',
        })),
      ),
    );
}

/** Drives one scheduler state with a fake "now". */
export class Harness {
  readonly state: SchedulerState;
  now = 1_000_000;
  private ids = 0;

  constructor(config: SchedulerConfig = makeConfig(), ledger: Ledger = emptyLedger()) {
    this.state = createSchedulerState(config, ledger, () => `u${++this.ids}`);
  }

  step(input: SchedulerInput | Event): SchedulerAction[] {
    const wrapped: SchedulerInput =
      'type' in input &&
      (input.type === 'tick' ||
        input.type === 'disconnected' ||
        input.type === 'kill' ||
        input.type === 'event' ||
        input.type === 'desired')
        ? (input as SchedulerInput)
        : { type: 'event', event: input as Event };
    return step(this.state, wrapped, this.now).actions;
  }

  tick(advanceMs = 0): SchedulerAction[] {
    this.now += advanceMs;
    return this.step({ type: 'tick' });
  }

  task(alias: string) {
    const task = this.state.ledger.tasks.find((t) => t.alias === alias);
    if (task === undefined) throw new Error(`no task ${alias}`);
    return task;
  }

  /** Subscribes, places the master on `agent` and brings it to RUNNING + healthy. */
  readyMaster(agent = 'a1'): string {
    this.step(subscribedEvent());
    const launched = launchedTasks(this.step(offersEvent(offer(agent))));
    const taskId = launched[0]?.taskId;
    if (taskId === undefined) throw new Error('master not launched');
    this.step(update(taskId, agent, 'TASK_RUNNING'));
    this.step(update(taskId, agent, 'TASK_RUNNING', { healthy: true }));
    return taskId;
  }
}

/** A ledger of framework `fw-1` holding `tasks` (hostnames `<agent>.example`), next aliases 2. */
export function ledgerWith(
  tasks: Array<Partial<LedgerTask> & Pick<LedgerTask, 'alias' | 'role' | 'taskId' | 'agentId' | 'state'>>,
): Ledger {
  const ledger = emptyLedger();
  ledger.frameworkId = 'fw-1';
  ledger.nextAlias = { master: 2, worker: 2 };
  ledger.tasks = tasks.map((t) => ({
    hostname: `${t.agentId}.example`,
    ports: [],
    healthy: undefined,
    launchedAt: 0,
    relaunchCount: 0,
    failures: [],
    lastFailure: undefined,
    killRequested: undefined,
    relaunchAt: undefined,
    crashLooped: false,
    ...t,
  }));
  return ledger;
}

/** Answers the marker of the full reconciliation a resubscription sent (Mesos: TASK_LOST, unknown task). */
export function answerMarker(h: Harness, state: 'TASK_LOST' | 'TASK_UNKNOWN' = 'TASK_LOST'): SchedulerAction[] {
  const marker = h.state.reconciliation?.markerId;
  if (marker === undefined) throw new Error('no full reconciliation under way');
  return h.step({
    type: 'UPDATE',
    update: { status: { task_id: { value: marker }, state, reason: 'REASON_RECONCILIATION', message: 'Reconciliation: Task is unknown' } },
  });
}
