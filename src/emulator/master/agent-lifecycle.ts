/**
 * The agents' side of the master, ported from Mesos 1.12 `src/master/master.cpp`: registration and
 * re-registration (with `reconcileKnownSlave`), agents whose connection breaks and comes back, agents
 * marked unreachable (health check timed out, or not back in time after a master restart), and
 * the registry that survives restarts. What happens to tasks, offers and frameworks as a result goes
 * through the `AgentLifecycleHost` the master core provides, so the bookkeeping stays in one place.
 */
import type { FrameworkInfo, TaskStatus } from '../../mesos/protocol/types.js';
import type { RegisterAgentRequest, RegisterAgentResponse } from '../internal-protocol.js';
import type { AgentGateway } from './agent-gateway.js';
import type { Allocation, Allocator } from './allocator.js';
import type { TimerHandle } from '../../shared/clock.js';
import type { MasterClock } from './clock.js';
import type { IdGenerator } from './ids.js';
import { hasCapability, isTerminal, rolesOf, taskKey, type AgentRecord, type FrameworkRecord, type TaskRecord } from './model.js';
import type { Registry, RegistryAgent } from './registry.js';
import { Resources } from '../../mesos/resources/resource-set.js';
import { executorIdOf, masterStatus, newTaskRecord } from './tasks.js';

const AGENT_VERSION = '1.12.0';

/** What the agent lifecycle uses of the rest of the master: the shared records and the task, offer and framework bookkeeping. */
export interface AgentLifecycleHost {
  readonly clock: MasterClock;
  readonly ids: IdGenerator;
  readonly gateway: AgentGateway;
  readonly registry: Registry;
  readonly allocator: Allocator;
  /** Registered agents; the lifecycle adds and removes them, the rest of the master reads them. */
  readonly agents: Map<string, AgentRecord>;
  readonly frameworks: ReadonlyMap<string, FrameworkRecord>;
  readonly completedFrameworks: ReadonlyMap<string, FrameworkRecord>;
  /** How long agents from the registry have to re-register after a restart. */
  readonly agentReregisterTimeoutMs: number;
  log(message: string): void;
  /** Applies a status to a task (its resources go back to the allocator once it ends). */
  updateTask(task: TaskRecord, status: TaskStatus): void;
  /** Moves a task out of the running set: to the completed tasks, or to the unreachable ones. */
  removeTask(task: TaskRecord, unreachable: boolean): void;
  /** Sends a status update to the framework, remembering what it must acknowledge. */
  forward(fw: FrameworkRecord, status: TaskStatus): void;
  /** Takes an offer back and tells its framework. */
  rescindOffer(offerId: string): void;
  /** A framework known only from a re-registering agent's tasks, added inactive. */
  recoverFramework(info: FrameworkInfo): FrameworkRecord;
  /** Asks for an allocation cycle soon. */
  requestAllocation(): void;
}

export class AgentLifecycle {
  /** Agents from the registry that have not re-registered since this master started. */
  readonly recoveredAgents = new Map<string, RegistryAgent>();
  /** Agent id -> time (ms) it was marked unreachable. */
  readonly unreachableAgents: Map<string, number>;
  /** Agents removed for good since this master started (Mesos `slaves.removed`). */
  readonly removedAgents = new Set<string>();
  private reregisterTimer: TimerHandle | undefined;

  constructor(private readonly host: AgentLifecycleHost) {
    for (const agent of host.registry.admitted()) this.recoveredAgents.set(agent.id, agent);
    this.unreachableAgents = host.registry.unreachableAgents();
  }

  /** Gives the registry's agents `agentReregisterTimeoutMs` to come back. */
  start(): void {
    if (this.recoveredAgents.size > 0) {
      this.reregisterTimer = this.host.clock.setTimeout(() => this.recoveredAgentsTimeout(), this.host.agentReregisterTimeoutMs);
    }
  }

  stop(): void {
    this.reregisterTimer?.cancel();
  }

  private nowSeconds(): number {
    return this.host.clock.now() / 1000;
  }

  registerAgent(req: RegisterAgentRequest): RegisterAgentResponse {
    const now = this.host.clock.now();
    const requested = req.agent_id?.value;
    const url = new URL(req.endpoint);
    const total = Resources.fromProto(req.resources);
    const known = requested === undefined ? undefined : this.host.agents.get(requested);

    if (known !== undefined) {
      // A registered agent coming back (it restarted, or lost us for a while).
      known.hostname = req.hostname;
      known.endpoint = req.endpoint;
      known.ip = url.hostname;
      known.port = req.port;
      known.reregisteredTime = now;
      known.lastContact = now;
      this.reconcileKnownAgent(known, req);
      return { agent_id: { value: known.id }, master_id: this.host.ids.masterId };
    }

    if (requested === undefined) {
      // Mesos `registerSlave`: a new agent at the address of a registered one means the process
      // there restarted without its state (the old one is gone for good). Mesos removes a
      // registered agent only once its connection broke; the agent's process cannot have outlived
      // its address being taken again, so here it is removed whatever its last ping said.
      for (const old of [...this.host.agents.values()]) {
        if (old.endpoint === req.endpoint) this.removeAgent(old.id, 'a new agent registered at the same address');
      }
    }
    const id = requested ?? this.host.ids.agentId();
    const agent: AgentRecord = {
      id,
      hostname: req.hostname,
      ip: url.hostname,
      port: req.port,
      endpoint: req.endpoint,
      total,
      declared: req.resources,
      attributes: req.attributes ?? [],
      version: req.version || AGENT_VERSION,
      registeredTime: now,
      reregisteredTime: requested === undefined ? undefined : now,
      active: true,
      tasks: new Map(),
      offers: new Set(),
      killedTasks: new Set(),
      executors: new Map(),
      lastContact: now,
    };
    const wasUnreachable = this.unreachableAgents.has(id);
    this.recoveredAgents.delete(id);
    this.unreachableAgents.delete(id);
    this.host.agents.set(id, agent);
    this.host.registry.admit({ id, hostname: req.hostname, port: req.port, endpoint: req.endpoint, resources: req.resources });

    const used: Allocation[] = [];
    for (const report of req.tasks ?? []) {
      const frameworkId = report.framework_id.value;
      if (this.host.completedFrameworks.has(frameworkId)) {
        this.host.gateway.shutdownFramework(agent.endpoint, { framework_id: report.framework_id });
        continue;
      }
      let fw = this.host.frameworks.get(frameworkId);
      if (wasUnreachable && fw !== undefined && !hasCapability(fw.info, 'PARTITION_AWARE') && !fw.tasks.has(report.task.task_id.value)) {
        // Its tasks were already reported LOST to a non-partition-aware framework: they must go.
        this.host.gateway.kill(agent.endpoint, { framework_id: report.framework_id, task_id: report.task.task_id });
        continue;
      }
      const role = report.task.resources?.[0]?.allocation_info?.role ?? rolesOf(report.framework_info)[0] ?? '*';
      const task = newTaskRecord(frameworkId, id, report.task, role);
      task.state = report.status.state;
      task.statuses.push(report.status);
      task.latestStatus = report.status;
      agent.tasks.set(taskKey(frameworkId, task.taskId), task);
      if (fw === undefined) {
        fw = this.host.recoverFramework({ ...report.framework_info, id: report.framework_id });
      } else {
        fw.unreachableTasks.delete(task.taskId);
        fw.tasks.set(task.taskId, task);
      }
      if (!isTerminal(task.state)) used.push({ frameworkId, agentId: id, role, resources: task.resources });
    }
    for (const report of req.executors ?? []) {
      const frameworkId = report.framework_id.value;
      if (this.host.completedFrameworks.has(frameworkId)) continue;
      const resources = Resources.fromProto(report.executor_info.resources ?? []);
      const role = report.executor_info.resources?.[0]?.allocation_info?.role ?? '*';
      agent.executors.set(taskKey(frameworkId, report.executor_info.executor_id.value), {
        frameworkId,
        info: report.executor_info,
        role,
        resources,
      });
      used.push({ frameworkId, agentId: id, role, resources });
    }
    this.host.allocator.addAgent(id, total, used);
    this.host.log(`${requested === undefined ? 'Registered' : 'Re-registered'} agent ${id} at ${req.endpoint}`);
    this.host.requestAllocation();
    return { agent_id: { value: id }, master_id: this.host.ids.masterId };
  }

  /** Mesos `reconcileKnownSlave`: tasks the agent no longer knows are lost; pending kills re-sent. */
  private reconcileKnownAgent(agent: AgentRecord, req: RegisterAgentRequest): void {
    const reported = new Set((req.tasks ?? []).map((t) => taskKey(t.framework_id.value, t.task.task_id.value)));
    for (const [key, task] of [...agent.tasks]) {
      if (reported.has(key) || isTerminal(task.state)) continue;
      const fw = this.host.frameworks.get(task.frameworkId);
      const status = masterStatus({
        taskId: task.taskId,
        state: fw !== undefined && hasCapability(fw.info, 'PARTITION_AWARE') ? 'TASK_GONE' : 'TASK_LOST',
        message: 'Reconciliation: Task is unknown to the agent',
        reason: 'REASON_RECONCILIATION',
        agentId: agent.id,
        timestampSeconds: this.nowSeconds(),
      });
      this.host.updateTask(task, status);
      this.host.removeTask(task, false);
      if (fw !== undefined) this.host.forward(fw, status);
    }
    for (const report of req.tasks ?? []) {
      const key = taskKey(report.framework_id.value, report.task.task_id.value);
      if (!isTerminal(report.status.state) && agent.killedTasks.has(key)) {
        this.host.gateway.kill(agent.endpoint, { framework_id: report.framework_id, task_id: report.task.task_id });
      }
      if (this.host.completedFrameworks.has(report.framework_id.value)) {
        this.host.gateway.shutdownFramework(agent.endpoint, { framework_id: report.framework_id });
      }
    }
  }

  /** Mesos `markUnreachable` + `__removeSlave`: tasks LOST (or UNREACHABLE), offers rescinded. */
  markAgentUnreachable(agentId: string, message: string): void {
    const agent = this.host.agents.get(agentId);
    if (agent === undefined) return;
    const now = this.host.clock.now();
    this.host.log(`Marking agent ${agentId} (${agent.hostname}) unreachable: ${message}`);
    this.host.registry.markUnreachable(agentId, now);
    this.unreachableAgents.set(agentId, now);
    this.host.allocator.removeAgent(agentId);
    for (const task of [...agent.tasks.values()]) {
      const fw = this.host.frameworks.get(task.frameworkId);
      const partitionAware = fw !== undefined && hasCapability(fw.info, 'PARTITION_AWARE');
      const status = masterStatus({
        taskId: task.taskId,
        state: partitionAware ? 'TASK_UNREACHABLE' : 'TASK_LOST',
        message,
        reason: 'REASON_AGENT_REMOVED',
        agentId,
        executorId: executorIdOf(task),
        timestampSeconds: this.nowSeconds(),
        unreachableTimeNanos: now * 1e6,
      });
      this.host.updateTask(task, status);
      this.host.removeTask(task, true);
      if (fw?.connection !== undefined) this.host.forward(fw, status);
    }
    for (const offerId of [...agent.offers]) this.host.rescindOffer(offerId);
    this.host.agents.delete(agentId);
    for (const fw of this.host.frameworks.values()) {
      fw.connection?.send({ type: 'FAILURE', failure: { agent_id: { value: agentId } } });
    }
  }

  /**
   * Mesos `removeSlave`: the agent is gone for good. Its tasks are lost (TASK_LOST, TASK_GONE for
   * partition-aware frameworks; REASON_AGENT_REMOVED), its offers rescinded, the frameworks told
   * (FAILURE), and it leaves the registry: it is neither registered nor unreachable any more.
   */
  removeAgent(agentId: string, cause: string): void {
    const agent = this.host.agents.get(agentId);
    if (agent === undefined) return;
    this.host.log(`Removing agent ${agentId} (${agent.hostname}): ${cause}`);
    this.host.registry.remove(agentId);
    this.host.allocator.removeAgent(agentId);
    for (const task of [...agent.tasks.values()]) {
      if (isTerminal(task.state)) continue;
      const fw = this.host.frameworks.get(task.frameworkId);
      const status = masterStatus({
        taskId: task.taskId,
        state: fw !== undefined && hasCapability(fw.info, 'PARTITION_AWARE') ? 'TASK_GONE' : 'TASK_LOST',
        message: `Agent ${agent.hostname} removed: ${cause}`,
        reason: 'REASON_AGENT_REMOVED',
        agentId,
        executorId: executorIdOf(task),
        timestampSeconds: this.nowSeconds(),
      });
      this.host.updateTask(task, status);
      this.host.removeTask(task, false);
      if (fw?.connection !== undefined) this.host.forward(fw, status);
    }
    for (const offerId of [...agent.offers]) this.host.rescindOffer(offerId);
    this.host.agents.delete(agentId);
    this.removedAgents.add(agentId);
    for (const fw of this.host.frameworks.values()) {
      fw.connection?.send({ type: 'FAILURE', failure: { agent_id: { value: agentId } } });
    }
  }

  /**
   * The agent stopped answering at the connection level (Mesos: its socket broke). No more offers
   * from it; tasks of frameworks that do not checkpoint are lost at once, the others wait for the
   * agent to come back or to be marked unreachable.
   */
  disconnectAgent(agentId: string): void {
    const agent = this.host.agents.get(agentId);
    if (agent === undefined || !agent.active) return;
    this.host.log(`Agent ${agentId} (${agent.hostname}) disconnected`);
    agent.active = false;
    this.host.allocator.setAgentActive(agentId, false);
    for (const offerId of [...agent.offers]) this.host.rescindOffer(offerId);
    for (const task of [...agent.tasks.values()]) {
      const fw = this.host.frameworks.get(task.frameworkId);
      if (fw === undefined || fw.info.checkpoint === true || isTerminal(task.state)) continue;
      const status = masterStatus({
        taskId: task.taskId,
        state: 'TASK_LOST',
        message: `Agent ${agent.hostname} disconnected`,
        reason: 'REASON_AGENT_DISCONNECTED',
        agentId,
        executorId: executorIdOf(task),
        timestampSeconds: this.nowSeconds(),
      });
      this.host.updateTask(task, status);
      this.host.removeTask(task, false);
      // If the agent comes back, this task must not go on running there.
      agent.killedTasks.add(taskKey(task.frameworkId, task.taskId));
      if (fw.connection !== undefined) this.host.forward(fw, status);
    }
  }

  /** A disconnected agent answers again: it is offered again; tasks lost meanwhile are killed. */
  reconnectAgent(agentId: string): void {
    const agent = this.host.agents.get(agentId);
    if (agent === undefined || agent.active) return;
    this.host.log(`Agent ${agentId} (${agent.hostname}) reconnected`);
    agent.active = true;
    agent.lastContact = this.host.clock.now();
    this.host.allocator.setAgentActive(agentId, true);
    for (const key of [...agent.killedTasks]) {
      if (agent.tasks.has(key)) continue;
      const [frameworkId = '', taskId = ''] = key.split('\u0000');
      this.host.gateway.kill(agent.endpoint, { framework_id: { value: frameworkId }, task_id: { value: taskId } });
      agent.killedTasks.delete(key);
    }
    this.host.requestAllocation();
  }

  /** Registry agents that never came back after a restart are marked unreachable. */
  private recoveredAgentsTimeout(): void {
    const now = this.host.clock.now();
    for (const id of [...this.recoveredAgents.keys()]) {
      this.recoveredAgents.delete(id);
      this.unreachableAgents.set(id, now);
      this.host.registry.markUnreachable(id, now);
      for (const fw of this.host.frameworks.values()) {
        fw.connection?.send({ type: 'FAILURE', failure: { agent_id: { value: id } } });
      }
    }
  }

  noteAgentContact(agentId: string): void {
    const agent = this.host.agents.get(agentId);
    if (agent !== undefined) agent.lastContact = this.host.clock.now();
  }
}
