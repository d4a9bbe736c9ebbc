/**
 * A small, pure version of Mesos' hierarchical allocator: it knows each agent's total resources and
 * what is allocated (offered or used) to which framework under which role, and decides which
 * framework gets an agent's free resources next. No timers and no I/O: the master calls
 * `generateAllocations(now)` on its allocation interval and on the events Mesos allocates on.
 *
 * Semantics kept from Mesos:
 * - an agent's free resources go, per role, to the framework with the lowest dominant share;
 * - resources reserved for a role are only offered to frameworks subscribed to that role;
 * - a refused-offer filter (DECLINE, or the unused part of an ACCEPT, default 5 s) hides the agent
 *   from that framework and role only while what is free is contained in what was refused, and never
 *   expires before one allocation interval has passed;
 * - SUPPRESS stops offers for a role; REVIVE clears the role's filters and un-suppresses it;
 * - deactivating a framework (disconnection) drops its filters;
 * - nothing is offered below `min_allocatable_resources` (cpus:0.01 or mem:32).
 */
import { Resources } from '../../mesos/resources/resource-set.js';

export interface Allocation {
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  readonly resources: Resources;
}

interface RefusalFilter {
  readonly resources: Resources;
  readonly expiresAt: number;
}

interface FrameworkState {
  readonly id: string;
  roles: string[];
  active: boolean;
  readonly suppressed: Set<string>;
  /** role -> agent -> filters */
  readonly filters: Map<string, Map<string, RefusalFilter[]>>;
}

interface AgentState {
  readonly id: string;
  total: Resources;
  active: boolean;
  /** framework -> role -> resources offered or used */
  readonly allocated: Map<string, Map<string, Resources>>;
}

export interface AllocatorOptions {
  /** Filters never expire before one allocation interval (MESOS-4302). */
  readonly allocationIntervalMs: number;
}

export interface FrameworkOptions {
  readonly roles: readonly string[];
  readonly active: boolean;
  readonly suppressedRoles?: readonly string[];
}

/** Mesos' default `Filters.refuse_seconds`. */
const DEFAULT_REFUSE_SECONDS = 5;
const MAX_REFUSE_SECONDS = 365 * 24 * 3600;

export class Allocator {
  private readonly frameworks = new Map<string, FrameworkState>();
  private readonly agents = new Map<string, AgentState>();

  constructor(private readonly options: AllocatorOptions) {}

  // ---- agents -------------------------------------------------------------------------------

  addAgent(id: string, total: Resources, used: readonly Allocation[] = []): void {
    const agent: AgentState = { id, total, active: true, allocated: new Map() };
    this.agents.set(id, agent);
    for (const u of used) this.track(agent, u.frameworkId, u.role, u.resources);
  }

  removeAgent(id: string): void {
    this.agents.delete(id);
    for (const fw of this.frameworks.values()) {
      for (const byAgent of fw.filters.values()) byAgent.delete(id);
    }
  }

  setAgentActive(id: string, active: boolean): void {
    const agent = this.agents.get(id);
    if (agent !== undefined) agent.active = active;
  }

  hasAgent(id: string): boolean {
    return this.agents.has(id);
  }

  /** Free resources on the agent (total minus everything offered or used). */
  available(agentId: string): Resources {
    const agent = this.agents.get(agentId);
    if (agent === undefined) return Resources.EMPTY;
    return agent.total.minus(this.allocatedOn(agent));
  }

  private allocatedOn(agent: AgentState): Resources {
    let sum = Resources.EMPTY;
    for (const byRole of agent.allocated.values()) for (const r of byRole.values()) sum = sum.plus(r);
    return sum;
  }

  // ---- frameworks ---------------------------------------------------------------------------

  addFramework(id: string, options: FrameworkOptions): void {
    this.frameworks.set(id, {
      id,
      roles: [...options.roles],
      active: options.active,
      suppressed: new Set(options.suppressedRoles ?? []),
      filters: new Map(),
    });
  }

  hasFramework(id: string): boolean {
    return this.frameworks.has(id);
  }

  /** Re-subscription: new roles and suppressed roles replace the old ones. */
  updateFramework(id: string, options: Omit<FrameworkOptions, 'active'>): void {
    const fw = this.frameworks.get(id);
    if (fw === undefined) return;
    fw.roles = [...options.roles];
    fw.suppressed.clear();
    for (const r of options.suppressedRoles ?? []) fw.suppressed.add(r);
  }

  /** Forgets the framework and frees everything it held. */
  removeFramework(id: string): void {
    this.frameworks.delete(id);
    for (const agent of this.agents.values()) agent.allocated.delete(id);
  }

  activateFramework(id: string): void {
    const fw = this.frameworks.get(id);
    if (fw !== undefined) fw.active = true;
  }

  deactivateFramework(id: string): void {
    const fw = this.frameworks.get(id);
    if (fw === undefined) return;
    fw.active = false;
    fw.filters.clear();
  }

  suppress(id: string, roles: readonly string[] = []): void {
    const fw = this.frameworks.get(id);
    if (fw === undefined) return;
    for (const r of roles.length > 0 ? roles : fw.roles) fw.suppressed.add(r);
  }

  revive(id: string, roles: readonly string[] = []): void {
    const fw = this.frameworks.get(id);
    if (fw === undefined) return;
    for (const r of roles.length > 0 ? roles : fw.roles) {
      fw.suppressed.delete(r);
      fw.filters.delete(r);
    }
  }

  isSuppressed(id: string, role: string): boolean {
    return this.frameworks.get(id)?.suppressed.has(role) ?? false;
  }

  // ---- allocations --------------------------------------------------------------------------

  /** Records resources as used by the framework (tasks found on a re-registering agent). */
  track(agentOrId: AgentState | string, frameworkId: string, role: string, resources: Resources): void {
    const agent = typeof agentOrId === 'string' ? this.agents.get(agentOrId) : agentOrId;
    if (agent === undefined || resources.isEmpty()) return;
    const byRole = agent.allocated.get(frameworkId) ?? new Map<string, Resources>();
    byRole.set(role, (byRole.get(role) ?? Resources.EMPTY).plus(resources));
    agent.allocated.set(frameworkId, byRole);
  }

  /**
   * Gives resources back (declined or unused offer, finished task). With `refuseSeconds` (> 0) a
   * filter keeps those resources away from the framework's role on that agent for that long.
   */
  recover(
    agentId: string,
    frameworkId: string,
    role: string,
    resources: Resources,
    refusal?: { refuseSeconds: number; now: number },
  ): void {
    const agent = this.agents.get(agentId);
    if (agent !== undefined) {
      const byRole = agent.allocated.get(frameworkId);
      const held = byRole?.get(role);
      if (byRole !== undefined && held !== undefined) {
        const rest = held.minus(resources);
        if (rest.isEmpty()) byRole.delete(role);
        else byRole.set(role, rest);
        if (byRole.size === 0) agent.allocated.delete(frameworkId);
      }
    }
    const fw = this.frameworks.get(frameworkId);
    if (refusal === undefined || fw === undefined || agent === undefined) return;
    let seconds = refusal.refuseSeconds;
    if (!Number.isFinite(seconds) || seconds < 0) seconds = DEFAULT_REFUSE_SECONDS;
    seconds = Math.min(seconds, MAX_REFUSE_SECONDS);
    if (seconds === 0) return;
    const ms = Math.max(this.options.allocationIntervalMs, seconds * 1000);
    const byAgent = fw.filters.get(role) ?? new Map<string, RefusalFilter[]>();
    const list = byAgent.get(agentId) ?? [];
    list.push({ resources, expiresAt: refusal.now + ms });
    byAgent.set(agentId, list);
    fw.filters.set(role, byAgent);
  }

  private isFiltered(fw: FrameworkState, role: string, agentId: string, candidate: Resources, now: number): boolean {
    const byAgent = fw.filters.get(role);
    const list = byAgent?.get(agentId);
    if (byAgent === undefined || list === undefined) return false;
    const live = list.filter((f) => f.expiresAt > now);
    if (live.length === 0) byAgent.delete(agentId);
    else byAgent.set(agentId, live);
    return live.some((f) => f.resources.contains(candidate));
  }

  /** Dominant share over cpus/mem/disk of the whole cluster: the DRF sort key. */
  private dominantShare(frameworkId: string): number {
    const totals = { cpus: 0, mem: 0, disk: 0 };
    const held = { cpus: 0, mem: 0, disk: 0 };
    for (const agent of this.agents.values()) {
      for (const k of ['cpus', 'mem', 'disk'] as const) totals[k] += agent.total.scalar(k);
      const byRole = agent.allocated.get(frameworkId);
      if (byRole === undefined) continue;
      for (const r of byRole.values()) for (const k of ['cpus', 'mem', 'disk'] as const) held[k] += r.scalar(k);
    }
    let share = 0;
    for (const k of ['cpus', 'mem', 'disk'] as const) {
      if (totals[k] > 0) share = Math.max(share, held[k] / totals[k]);
    }
    return share;
  }

  /**
   * One allocation cycle: for each active agent and role, all the free resources a framework of
   * that role may use go to the first eligible framework in DRF order. Marks them allocated.
   */
  generateAllocations(now: number): Allocation[] {
    const candidates = [...this.frameworks.values()].filter((f) => f.active);
    if (candidates.length === 0) return [];
    const order = new Map(candidates.map((f, i) => [f.id, i]));
    const shares = new Map(candidates.map((f) => [f.id, this.dominantShare(f.id)]));
    const sorted = candidates.sort(
      (a, b) => (shares.get(a.id) ?? 0) - (shares.get(b.id) ?? 0) || (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0),
    );
    const roles = [...new Set(sorted.flatMap((f) => f.roles))].sort();
    const out: Allocation[] = [];
    for (const agent of this.agents.values()) {
      if (!agent.active) continue;
      for (const role of roles) {
        const free = agent.total.minus(this.allocatedOn(agent)).allocatableTo(role);
        if (free.isEmpty() || !meetsMinimumAllocatable(free)) continue;
        for (const fw of sorted) {
          if (!fw.roles.includes(role) || fw.suppressed.has(role)) continue;
          if (this.isFiltered(fw, role, agent.id, free, now)) continue;
          this.track(agent, fw.id, role, free);
          out.push({ frameworkId: fw.id, agentId: agent.id, role, resources: free });
          break;
        }
      }
    }
    return out;
  }
}

/** The quantities `min_allocatable_resources` asks for (Mesos default `cpus:0.01|mem:32`). */
export function meetsMinimumAllocatable(r: Resources): boolean {
  return r.scalar('cpus') >= 0.01 || r.scalar('mem') >= 32;
}
