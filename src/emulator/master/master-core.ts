/**
 * The master's state machine, ported call by call from Mesos 1.12 `src/master/master.cpp`:
 * framework subscription, failover and removal; offers and ACCEPT/DECLINE; task state and status
 * update forwarding. Agent (re-)registration and removal live in `agent-lifecycle.ts`, the answers
 * to RECONCILE in `reconciliation.ts`; this class owns the shared records and keeps their public
 * entry points. No HTTP here: schedulers are `SchedulerConnection`s, agents are reached through an
 * `AgentGateway`, time is a `Clock`.
 */
import type { Call, FrameworkInfo, MasterInfo, Offer, OfferOperation, TaskInfo, TaskStatus } from '../../mesos/protocol/types.js';
import type { ExecutorExitedRequest, RegisterAgentRequest, RegisterAgentResponse, StatusUpdateRequest } from '../internal-protocol.js';
import type { AgentGateway } from './agent-gateway.js';
import { AgentLifecycle } from './agent-lifecycle.js';
import { Allocator } from './allocator.js';
import type { TimerHandle } from '../../shared/clock.js';
import type { MasterClock } from './clock.js';
import type { IdGenerator } from './ids.js';
import {
  hasCapability,
  isTerminal,
  rolesOf,
  taskKey,
  type AgentRecord,
  type FrameworkRecord,
  type OfferRecord,
  type SchedulerConnection,
  type TaskRecord,
} from './model.js';
import { validateOffers, validateTask } from './offer-validation.js';
import { reconcileAnswers, type ReconcileRequest } from './reconciliation.js';
import type { Registry, RegistryAgent } from './registry.js';
import { Resources } from '../../mesos/resources/resource-set.js';
import { applyStatus, executorIdOf, masterStatus, newTaskRecord } from './tasks.js';
import { pushKeepingLatest } from '../../shared/keep-latest.js';

export interface MasterCoreOptions {
  readonly clock: MasterClock;
  readonly ids: IdGenerator;
  readonly gateway: AgentGateway;
  readonly registry: Registry;
  readonly masterInfo: () => MasterInfo;
  readonly heartbeatIntervalSeconds: number;
  readonly allocationIntervalMs: number;
  /** How long agents from the registry have to re-register after a restart (Mesos: 10 min). */
  readonly agentReregisterTimeoutMs: number;
  readonly maxCompletedFrameworks?: number;
  readonly maxCompletedTasksPerFramework?: number;
  readonly log?: (message: string) => void;
}

type Subscribe = NonNullable<Call['subscribe']>;
type Accept = NonNullable<Call['accept']>;
type Decline = NonNullable<Call['decline']>;
type Kill = NonNullable<Call['kill']>;
type Acknowledge = NonNullable<Call['acknowledge']>;

export class MasterCore {
  readonly frameworks = new Map<string, FrameworkRecord>();
  /** Removed frameworks, oldest first (bounded like `--max_completed_frameworks`). */
  readonly completedFrameworks = new Map<string, FrameworkRecord>();
  readonly agents = new Map<string, AgentRecord>();
  readonly offers = new Map<string, OfferRecord>();
  readonly allocator: Allocator;
  readonly startTime: number;
  private readonly agentLifecycle: AgentLifecycle;
  private allocationTimer: TimerHandle | undefined;
  private allocationQueued = false;
  private stopped = false;

  constructor(private readonly o: MasterCoreOptions) {
    this.allocator = new Allocator({ allocationIntervalMs: o.allocationIntervalMs });
    this.startTime = o.clock.now();
    this.agentLifecycle = new AgentLifecycle({
      clock: o.clock,
      ids: o.ids,
      gateway: o.gateway,
      registry: o.registry,
      allocator: this.allocator,
      agents: this.agents,
      frameworks: this.frameworks,
      completedFrameworks: this.completedFrameworks,
      agentReregisterTimeoutMs: o.agentReregisterTimeoutMs,
      log: (message) => this.log(message),
      updateTask: (task, status) => this.updateTask(task, status),
      removeTask: (task, unreachable) => this.removeTask(task, unreachable),
      forward: (fw, status) => this.forward(fw, status),
      rescindOffer: (offerId) => this.rescindOffer(offerId),
      recoverFramework: (info) => this.recoverFramework(info),
      requestAllocation: () => this.requestAllocation(),
    });
  }

  /** Agents from the registry that have not re-registered since this master started. */
  get recoveredAgents(): ReadonlyMap<string, RegistryAgent> {
    return this.agentLifecycle.recoveredAgents;
  }

  /** Agent id -> time (ms) it was marked unreachable. */
  get unreachableAgents(): ReadonlyMap<string, number> {
    return this.agentLifecycle.unreachableAgents;
  }

  /** Agents removed for good since this master started (a new agent registered at their address). */
  get removedAgents(): ReadonlySet<string> {
    return this.agentLifecycle.removedAgents;
  }

  get masterId(): string {
    return this.o.ids.masterId;
  }

  start(): void {
    this.allocationTimer = this.o.clock.setInterval(() => this.allocate(), this.o.allocationIntervalMs);
    this.agentLifecycle.start();
  }

  /** Stops timers and drops every scheduler connection (the process "dies"). */
  stop(): void {
    this.stopped = true;
    this.allocationTimer?.cancel();
    this.agentLifecycle.stop();
    for (const fw of this.frameworks.values()) {
      fw.failoverTimer?.cancel();
      fw.failoverTimer = undefined;
      const conn = fw.connection;
      fw.connection = undefined;
      conn?.close();
    }
  }

  private nowSeconds(): number {
    return this.o.clock.now() / 1000;
  }

  private log(message: string): void {
    this.o.log?.(message);
  }

  // ==== scheduler API ==========================================================================

  /** SUBSCRIBE on a new stream (Mesos `Master::subscribe(HttpConnection, ...)`). */
  subscribe(call: Subscribe, conn: SchedulerConnection): void {
    const info: FrameworkInfo = { ...call.framework_info };
    const refuse = (message: string): void => {
      this.log(`Refusing subscription of framework '${info.name}': ${message}`);
      conn.send({ type: 'ERROR', error: { message } });
      conn.close();
    };
    const invalid = this.validateFrameworkInfo(info);
    if (invalid !== undefined) return refuse(invalid);
    const suppressed = call.suppressed_roles ?? [];
    const roles = rolesOf(info);
    const badSuppressed = suppressed.find((r) => !roles.includes(r));
    if (badSuppressed !== undefined) {
      return refuse(`Suppressed role '${badSuppressed}' is not contained in the list of roles`);
    }

    const now = this.o.clock.now();
    const id = info.id?.value;
    if (id === undefined || id === '') {
      const fw = this.newFramework({ ...info, id: { value: this.o.ids.frameworkId() } }, now);
      this.frameworks.set(fw.id, fw);
      this.allocator.addFramework(fw.id, { roles, active: true, suppressedRoles: suppressed });
      this.connect(fw, conn);
      this.requestAllocation();
      return;
    }

    let fw = this.frameworks.get(id);
    if (fw === undefined) fw = this.recoverFramework(info);
    if ((fw.info.principal ?? undefined) !== (info.principal ?? undefined)) {
      return refuse("Changing framework's principal is not allowed.");
    }
    // Immutable fields stay as first registered (`preserveImmutableFields`).
    fw.info = { ...info, id: { value: fw.id }, user: fw.info.user, checkpoint: fw.info.checkpoint };
    this.allocator.updateFramework(fw.id, { roles: rolesOf(fw.info), suppressedRoles: suppressed });

    if (!fw.recovered) {
      fw.reregisteredTime = now;
      const old = fw.connection;
      if (old !== undefined) {
        // MESOS-4712: the previous subscription is told and closed.
        fw.connection = undefined;
        old.send({ type: 'ERROR', error: { message: 'Framework failed over' } });
        old.close();
      }
      for (const offerId of [...fw.offers]) this.discardOffer(offerId);
    } else {
      fw.registeredTime = now;
      fw.reregisteredTime = now;
      fw.recovered = false;
    }
    fw.failoverTimer?.cancel();
    fw.failoverTimer = undefined;
    fw.active = true;
    this.allocator.activateFramework(fw.id);
    this.connect(fw, conn);
    this.sendFrameworkUpdates(fw);
    this.requestAllocation();
  }

  /**
   * Mesos `sendFrameworkUpdates`, after every re-subscription: each registered agent takes the new
   * FrameworkInfo and re-sends its pending status updates at once, so that a scheduler that failed
   * over before acknowledging (say) TASK_STARTING hears it again now, not at the next retry (10 s,
   * 20 s, 40 s ...), and reconciliation, which answers the last forwarded state as Mesos does, moves on.
   */
  private sendFrameworkUpdates(fw: FrameworkRecord): void {
    for (const agent of this.agents.values()) {
      this.o.gateway.updateFramework(agent.endpoint, { framework_id: { value: fw.id }, framework_info: fw.info });
    }
  }

  private validateFrameworkInfo(info: FrameworkInfo): string | undefined {
    const multiRole = hasCapability(info, 'MULTI_ROLE');
    if (multiRole && info.role !== undefined) {
      return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable";
    }
    if (!multiRole && (info.roles ?? []).length > 0) {
      return "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable";
    }
    const roles = rolesOf(info);
    const duplicates = [...new Set(roles.filter((r, i) => roles.indexOf(r) !== i))];
    if (duplicates.length > 0) return `'FrameworkInfo.roles' contains duplicate items: { ${duplicates.join(', ')} }`;
    for (const role of roles) {
      const error = validateRole(role);
      if (error !== undefined) {
        return multiRole ? `'FrameworkInfo.roles' contains invalid role: ${error}` : `'FrameworkInfo.role' is not a valid role: ${error}`;
      }
    }
    const timeout = info.failover_timeout ?? 0;
    if (!Number.isFinite(timeout) || timeout < 0) {
      return `Invalid 'FrameworkInfo.failover_timeout': ${timeout}`;
    }
    if (info.id !== undefined && this.completedFrameworks.has(info.id.value)) return 'Framework has been removed';
    return undefined;
  }

  private newFramework(info: FrameworkInfo, now: number): FrameworkRecord {
    return {
      id: info.id?.value ?? '',
      info,
      connection: undefined,
      active: true,
      recovered: false,
      registeredTime: now,
      reregisteredTime: now,
      unregisteredTime: 0,
      tasks: new Map(),
      unreachableTasks: new Map(),
      completedTasks: [],
      offers: new Set(),
      failoverTimer: undefined,
    };
  }

  /** A framework known only from its tasks (agents re-registering after a master restart). */
  private recoverFramework(info: FrameworkInfo): FrameworkRecord {
    const id = info.id?.value ?? '';
    const fw = this.newFramework({ ...info }, 0);
    fw.active = false;
    fw.recovered = true;
    this.frameworks.set(id, fw);
    // The allocator already counts these tasks' resources (added with their agents).
    for (const agent of this.agents.values()) {
      for (const task of agent.tasks.values()) if (task.frameworkId === id) fw.tasks.set(task.taskId, task);
    }
    this.allocator.addFramework(id, { roles: rolesOf(info), active: false });
    return fw;
  }

  private connect(fw: FrameworkRecord, conn: SchedulerConnection): void {
    fw.connection = conn;
    conn.onClose(() => {
      if (fw.connection === conn) this.disconnected(fw);
    });
    conn.send({
      type: 'SUBSCRIBED',
      subscribed: {
        framework_id: { value: fw.id },
        heartbeat_interval_seconds: this.o.heartbeatIntervalSeconds,
        master_info: this.o.masterInfo(),
      },
    });
    conn.startHeartbeats();
  }

  /** The subscription stream went away (Mesos `_exited`): deactivate, then wait failover_timeout. */
  private disconnected(fw: FrameworkRecord): void {
    if (this.stopped) return;
    fw.connection = undefined;
    if (fw.active) this.deactivate(fw, true);
    const timeoutMs = Math.max(0, (fw.info.failover_timeout ?? 0) * 1000);
    const reregisteredAt = fw.reregisteredTime;
    this.log(`Framework ${fw.id} disconnected; giving it ${timeoutMs / 1000} s to fail over`);
    fw.failoverTimer?.cancel();
    fw.failoverTimer = this.o.clock.setTimeout(
      () => {
        fw.failoverTimer = undefined;
        if (this.frameworks.get(fw.id) === fw && fw.connection === undefined && fw.reregisteredTime === reregisteredAt) {
          this.log(`Framework failover timeout, removing framework ${fw.id}`);
          this.removeFramework(fw);
        }
      },
      Math.min(timeoutMs, 2_147_483_647),
    );
  }

  private deactivate(fw: FrameworkRecord, rescind: boolean): void {
    fw.active = false;
    this.allocator.deactivateFramework(fw.id);
    for (const offerId of [...fw.offers]) {
      if (rescind) this.rescindOffer(offerId);
      else this.discardOffer(offerId);
    }
  }

  teardown(fw: FrameworkRecord): void {
    this.log(`Processing TEARDOWN call for framework ${fw.id}`);
    this.removeFramework(fw);
  }

  /** Mesos `removeFramework`: kill everything, close the stream, keep it among completed ones. */
  private removeFramework(fw: FrameworkRecord): void {
    if (fw.active) this.deactivate(fw, false);
    fw.failoverTimer?.cancel();
    fw.failoverTimer = undefined;
    for (const agent of this.agents.values()) {
      this.o.gateway.shutdownFramework(agent.endpoint, { framework_id: { value: fw.id } });
    }
    for (const task of [...fw.tasks.values()]) {
      const status = masterStatus({
        taskId: task.taskId,
        state: 'TASK_KILLED',
        message: `Framework ${fw.id} removed`,
        reason: 'REASON_FRAMEWORK_REMOVED',
        agentId: task.agentId,
        executorId: executorIdOf(task),
        timestampSeconds: this.nowSeconds(),
      });
      this.updateTask(task, status);
      this.removeTask(task, false);
    }
    for (const task of [...fw.unreachableTasks.values()]) {
      applyStatus(
        task,
        masterStatus({
          taskId: task.taskId,
          state: 'TASK_KILLED',
          message: `Framework ${fw.id} removed`,
          reason: 'REASON_FRAMEWORK_REMOVED',
          agentId: task.agentId,
          timestampSeconds: this.nowSeconds(),
        }),
      );
      fw.unreachableTasks.delete(task.taskId);
      this.addCompletedTask(fw, task);
    }
    const conn = fw.connection;
    fw.connection = undefined;
    conn?.close();
    fw.active = false;
    fw.unregisteredTime = this.o.clock.now();
    this.frameworks.delete(fw.id);
    this.allocator.removeFramework(fw.id);
    this.completedFrameworks.delete(fw.id);
    this.completedFrameworks.set(fw.id, fw);
    const max = this.o.maxCompletedFrameworks ?? 50;
    while (this.completedFrameworks.size > max) {
      const oldest = this.completedFrameworks.keys().next().value as string;
      this.completedFrameworks.delete(oldest);
    }
  }

  accept(fw: FrameworkRecord, accept: Accept): void {
    const offerIds = accept.offer_ids ?? [];
    const operations = accept.operations ?? [];
    const error = validateOffers(offerIds, this.offers, fw.id);
    if (error !== undefined) {
      for (const id of offerIds)
        if (this.offers.has(id.value) && this.offers.get(id.value)?.frameworkId === fw.id) this.discardOffer(id.value);
      const state = hasCapability(fw.info, 'PARTITION_AWARE') ? 'TASK_DROPPED' : 'TASK_LOST';
      for (const op of operations) {
        for (const task of tasksOf(op)) {
          this.forward(
            fw,
            masterStatus({
              taskId: task.task_id?.value ?? '',
              state,
              message: `Task launched with invalid offers: ${error}`,
              reason: 'REASON_INVALID_OFFERS',
              agentId: task.agent_id?.value,
              timestampSeconds: this.nowSeconds(),
            }),
          );
        }
      }
      return;
    }

    const first = this.offers.get(offerIds[0]?.value ?? '') as OfferRecord;
    const agent = this.agents.get(first.agentId);
    const role = first.role;
    let remaining = Resources.EMPTY;
    for (const id of offerIds) {
      const offer = this.offers.get(id.value) as OfferRecord;
      remaining = remaining.plus(offer.resources);
      this.removeOffer(offer);
    }
    if (agent === undefined) return;

    for (const op of operations) {
      if (op.type !== 'LAUNCH') {
        // Reservations, volumes and task groups are not part of the local cluster.
        for (const task of tasksOf(op)) {
          this.forward(fw, this.taskError(task, `Operation ${op.type} is not supported by the local cluster`));
        }
        continue;
      }
      for (const asked of op.launch?.task_infos ?? []) {
        // The master fills in `ExecutorInfo.framework_id` (Mesos `Master::accept`).
        const task =
          asked.executor !== undefined && asked.executor.framework_id === undefined
            ? { ...asked, executor: { ...asked.executor, framework_id: { value: fw.id } } }
            : asked;
        const executorKey = task.executor === undefined ? undefined : taskKey(fw.id, task.executor.executor_id?.value ?? '');
        const existingExecutor = executorKey === undefined ? undefined : agent.executors.get(executorKey);
        const invalid = validateTask(task, fw, agent.id, remaining, role, existingExecutor?.info);
        if (invalid !== undefined) {
          this.forward(fw, this.taskError(task, invalid));
          continue;
        }
        const record = newTaskRecord(fw.id, agent.id, task, role);
        remaining = remaining.minus(record.resources);
        if (task.executor !== undefined && existingExecutor === undefined) {
          // A new executor holds its own resources until it exits (`executorExited`).
          const resources = Resources.fromProto(task.executor.resources ?? []);
          agent.executors.set(executorKey!, { frameworkId: fw.id, info: task.executor, role, resources });
          remaining = remaining.minus(resources);
        }
        fw.tasks.set(record.taskId, record);
        agent.tasks.set(taskKey(fw.id, record.taskId), record);
        this.o.gateway.launch(agent.endpoint, { framework_id: { value: fw.id }, framework_info: fw.info, task });
      }
    }
    // What was offered but not used goes back, filtered for refuse_seconds (default 5 s).
    this.allocator.recover(agent.id, fw.id, role, remaining, {
      refuseSeconds: accept.filters?.refuse_seconds ?? 5,
      now: this.o.clock.now(),
    });
  }

  private taskError(task: TaskInfo, message: string): TaskStatus {
    return masterStatus({
      taskId: task.task_id?.value ?? '',
      state: 'TASK_ERROR',
      message,
      reason: 'REASON_TASK_INVALID',
      agentId: task.agent_id?.value,
      timestampSeconds: this.nowSeconds(),
    });
  }

  decline(fw: FrameworkRecord, decline: Decline): void {
    for (const id of decline.offer_ids ?? []) {
      const offer = this.offers.get(id.value);
      if (offer === undefined || offer.frameworkId !== fw.id) continue;
      this.removeOffer(offer);
      this.allocator.recover(offer.agentId, fw.id, offer.role, offer.resources, {
        refuseSeconds: decline.filters?.refuse_seconds ?? 5,
        now: this.o.clock.now(),
      });
    }
  }

  revive(fw: FrameworkRecord, roles: readonly string[] | undefined): void {
    this.allocator.revive(fw.id, roles ?? []);
    this.requestAllocation();
  }

  suppress(fw: FrameworkRecord, roles: readonly string[] | undefined): void {
    this.allocator.suppress(fw.id, roles ?? []);
  }

  kill(fw: FrameworkRecord, kill: Kill): void {
    const task = fw.tasks.get(kill.task_id.value);
    if (task === undefined) {
      // Unknown task: Mesos answers with reconciliation.
      this.reconcile(fw, { tasks: [{ task_id: kill.task_id, ...(kill.agent_id ? { agent_id: kill.agent_id } : {}) }] });
      return;
    }
    if (kill.agent_id !== undefined && kill.agent_id.value !== task.agentId) return;
    const agent = this.agents.get(task.agentId);
    if (agent === undefined) return;
    agent.killedTasks.add(taskKey(fw.id, task.taskId));
    const grace = kill.kill_policy?.grace_period?.nanoseconds ?? task.info.kill_policy?.grace_period?.nanoseconds;
    this.o.gateway.kill(agent.endpoint, {
      framework_id: { value: fw.id },
      task_id: kill.task_id,
      ...(grace === undefined ? {} : { grace_period_ms: Math.round(grace / 1e6) }),
    });
  }

  acknowledge(fw: FrameworkRecord, ack: Acknowledge): void {
    const agent = this.agents.get(ack.agent_id.value);
    if (agent === undefined) {
      this.log(`Cannot send acknowledgement for task ${ack.task_id.value}: agent ${ack.agent_id.value} is not registered`);
      return;
    }
    const task = agent.tasks.get(taskKey(fw.id, ack.task_id.value));
    if (task !== undefined && task.statusUpdateState !== undefined) {
      if (isTerminal(task.statusUpdateState) && task.statusUpdateUuid === ack.uuid) this.removeTask(task, false);
    }
    this.o.gateway.acknowledge(agent.endpoint, { framework_id: { value: fw.id }, task_id: ack.task_id, uuid: ack.uuid });
  }

  /** RECONCILE: the answers are decided in `reconciliation.ts`. */
  reconcile(fw: FrameworkRecord, reconcile: ReconcileRequest): void {
    for (const status of reconcileAnswers(fw, reconcile, this, this.nowSeconds())) this.sendUpdate(fw, status);
  }

  // ==== agents =================================================================================

  /** An agent (re-)registers; see `agent-lifecycle.ts`. */
  registerAgent(req: RegisterAgentRequest): RegisterAgentResponse {
    return this.agentLifecycle.registerAgent(req);
  }

  /**
   * A status update from an agent's status update manager. Returns false when the agent is not
   * registered with this master (it must re-register).
   */
  statusUpdate(req: StatusUpdateRequest): boolean {
    const agent = this.agents.get(req.agent_id.value);
    if (agent === undefined) return false;
    agent.lastContact = this.o.clock.now();
    const status = req.status;
    const fw = this.frameworks.get(req.framework_id.value);
    if (fw !== undefined && fw.connection !== undefined) this.forward(fw, status);
    const task = agent.tasks.get(taskKey(req.framework_id.value, status.task_id.value));
    if (task !== undefined) this.updateTask(task, status);
    return true;
  }

  /**
   * A custom executor's process ended (Mesos `Master::exitedExecutor`): its own resources go back.
   * Returns false when the agent is not registered with this master.
   */
  executorExited(req: ExecutorExitedRequest): boolean {
    const agent = this.agents.get(req.agent_id.value);
    if (agent === undefined) return false;
    const key = taskKey(req.framework_id.value, req.executor_id.value);
    const executor = agent.executors.get(key);
    if (executor === undefined) return true;
    agent.executors.delete(key);
    this.log(`Executor '${req.executor_id.value}' of framework ${req.framework_id.value} on agent ${agent.id} exited`);
    this.allocator.recover(agent.id, executor.frameworkId, executor.role, executor.resources);
    this.requestAllocation();
    return true;
  }

  /** Mesos `markUnreachable` + `__removeSlave`: tasks LOST (or UNREACHABLE), offers rescinded. */
  markAgentUnreachable(agentId: string, message: string): void {
    this.agentLifecycle.markAgentUnreachable(agentId, message);
  }

  /** The agent's connection broke: no more offers from it, tasks of non-checkpointing frameworks lost. */
  disconnectAgent(agentId: string): void {
    this.agentLifecycle.disconnectAgent(agentId);
  }

  /** A disconnected agent answers again: it is offered again; tasks lost meanwhile are killed. */
  reconnectAgent(agentId: string): void {
    this.agentLifecycle.reconnectAgent(agentId);
  }

  noteAgentContact(agentId: string): void {
    this.agentLifecycle.noteAgentContact(agentId);
  }

  // ==== tasks ==================================================================================

  private updateTask(task: TaskRecord, status: TaskStatus): void {
    const becameDone = applyStatus(task, status);
    if (becameDone && this.agents.has(task.agentId)) {
      this.allocator.recover(task.agentId, task.frameworkId, task.role, task.resources);
    }
  }

  /** Moves the task out of the running set (to completed, or to unreachable tasks). */
  private removeTask(task: TaskRecord, unreachable: boolean): void {
    if (!isTerminal(task.state) && task.state !== 'TASK_UNREACHABLE' && this.agents.has(task.agentId)) {
      this.allocator.recover(task.agentId, task.frameworkId, task.role, task.resources);
    }
    this.agents.get(task.agentId)?.tasks.delete(taskKey(task.frameworkId, task.taskId));
    const fw = this.frameworks.get(task.frameworkId) ?? this.completedFrameworks.get(task.frameworkId);
    if (fw === undefined) return;
    fw.tasks.delete(task.taskId);
    if (unreachable) fw.unreachableTasks.set(task.taskId, task);
    else this.addCompletedTask(fw, task);
  }

  private addCompletedTask(fw: FrameworkRecord, task: TaskRecord): void {
    pushKeepingLatest(fw.completedTasks, task, this.o.maxCompletedTasksPerFramework ?? 1000);
  }

  /** Sends an update to the framework, remembering what it must acknowledge (Mesos `forward`). */
  private forward(fw: FrameworkRecord, status: TaskStatus): void {
    const task = fw.tasks.get(status.task_id.value);
    if (task !== undefined && status.uuid !== undefined) {
      task.statusUpdateState = status.state;
      task.statusUpdateUuid = status.uuid;
    }
    this.sendUpdate(fw, status);
  }

  private sendUpdate(fw: FrameworkRecord, status: TaskStatus): void {
    fw.connection?.send({ type: 'UPDATE', update: { status } });
  }

  // ==== offers =================================================================================

  /** Asks for an allocation cycle soon (coalesced), as Mesos does on subscribe, revive, new agents. */
  requestAllocation(): void {
    if (this.allocationQueued || this.stopped) return;
    this.allocationQueued = true;
    setImmediate(() => {
      this.allocationQueued = false;
      this.allocate();
    });
  }

  /** One allocation cycle: turns the allocator's decisions into OFFERS events, one per framework. */
  allocate(): void {
    if (this.stopped) return;
    const allocations = this.allocator.generateAllocations(this.o.clock.now());
    const byFramework = new Map<string, Offer[]>();
    for (const a of allocations) {
      const fw = this.frameworks.get(a.frameworkId);
      const agent = this.agents.get(a.agentId);
      if (fw === undefined || agent === undefined || fw.connection === undefined) {
        this.allocator.recover(a.agentId, a.frameworkId, a.role, a.resources);
        continue;
      }
      const offer: OfferRecord = { id: this.o.ids.offerId(), frameworkId: fw.id, agentId: agent.id, role: a.role, resources: a.resources };
      this.offers.set(offer.id, offer);
      fw.offers.add(offer.id);
      agent.offers.add(offer.id);
      const list = byFramework.get(fw.id) ?? [];
      list.push(this.offerProto(offer, fw, agent));
      byFramework.set(fw.id, list);
    }
    for (const [id, offers] of byFramework) {
      this.frameworks.get(id)?.connection?.send({ type: 'OFFERS', offers: { offers } });
    }
  }

  private offerProto(offer: OfferRecord, fw: FrameworkRecord, agent: AgentRecord): Offer {
    const multiRole = hasCapability(fw.info, 'MULTI_ROLE');
    const proto: Offer = {
      id: { value: offer.id },
      framework_id: { value: fw.id },
      agent_id: { value: agent.id },
      hostname: agent.hostname,
      url: { scheme: 'http', address: { hostname: agent.hostname, ip: agent.ip, port: agent.port }, path: '/slave(1)' },
      resources: offer.resources.toProto(multiRole ? offer.role : undefined),
    };
    if (agent.attributes.length > 0) {
      proto.attributes = agent.attributes.map((a) => attributeProto(a.name, a.value));
    }
    if (multiRole) proto.allocation_info = { role: offer.role };
    return proto;
  }

  private removeOffer(offer: OfferRecord): void {
    this.offers.delete(offer.id);
    this.frameworks.get(offer.frameworkId)?.offers.delete(offer.id);
    this.agents.get(offer.agentId)?.offers.delete(offer.id);
  }

  /** Takes the offer back without telling the framework (it knows, e.g. it failed over). */
  private discardOffer(offerId: string): void {
    const offer = this.offers.get(offerId);
    if (offer === undefined) return;
    this.removeOffer(offer);
    this.allocator.recover(offer.agentId, offer.frameworkId, offer.role, offer.resources);
  }

  /** Takes the offer back and sends RESCIND. */
  private rescindOffer(offerId: string): void {
    const offer = this.offers.get(offerId);
    if (offer === undefined) return;
    this.frameworks.get(offer.frameworkId)?.connection?.send({ type: 'RESCIND', rescind: { offer_id: { value: offerId } } });
    this.discardOffer(offerId);
  }

  // ==== lookups for the HTTP layer =============================================================

  framework(id: string): FrameworkRecord | undefined {
    return this.frameworks.get(id);
  }

  /** Test hook and operator helper: fires the failover timeout of a disconnected framework now. */
  expireFailoverTimeout(id: string): boolean {
    const fw = this.frameworks.get(id);
    if (fw === undefined || fw.connection !== undefined) return false;
    fw.failoverTimer?.cancel();
    this.removeFramework(fw);
    return true;
  }
}

function tasksOf(op: OfferOperation): TaskInfo[] {
  if (op.type === 'LAUNCH') return op.launch?.task_infos ?? [];
  const group = (op as OfferOperation & { launch_group?: { task_group?: { tasks?: TaskInfo[] } } }).launch_group;
  return group?.task_group?.tasks ?? [];
}

function attributeProto(name: string, value: string): NonNullable<Offer['attributes']>[number] {
  const n = Number(value);
  if (value.trim() !== '' && Number.isFinite(n) && !/^\[|^\{/.test(value)) {
    return { name, type: 'SCALAR', scalar: { value: n } };
  }
  return { name, type: 'TEXT', text: { value } };
}

/** Mesos `roles::validate`. */
function validateRole(role: string): string | undefined {
  if (role === '*') return undefined;
  if (role === '') return 'Empty role name is invalid';
  if (role === '.' || role === '..') return `Role '${role}' cannot be '.' or '..'`;
  if (role.startsWith('-')) return `Role '${role}' cannot start with '-'`;
  if (role.startsWith('/') || role.endsWith('/')) return `Role '${role}' cannot start or end with '/'`;

  if (/[\x00-\x20\x7f]/.test(role)) return `Role '${role}' cannot contain whitespace or control characters`;
  return undefined;
}
