/**
 * Whether one offer can hold one Alluxio task, and which of its resources the task takes. Pure.
 *
 * Only resources the framework's role may use count: unreserved ones (`*`) and those reserved for
 * the role; with MULTI_ROLE, a resource allocated to another role is skipped. Ports are taken as
 * exact single-port ranges from whichever `ports` resource holds them (an agent may offer several,
 * e.g. one reserved and one unreserved), and every piece taken keeps its source's role, reservation
 * and allocation_info, which Mesos requires to match on ACCEPT.
 */
import { COMMAND_EXECUTOR_OVERHEAD } from '../../mesos/resources/executor-overhead.js';
import { resourceRole } from '../../mesos/resources/ranges.js';
import type { Offer, Resource } from '../../mesos/protocol/types.js';

export interface TaskSize {
  readonly cpus: number;
  readonly memMb: number;
  readonly ports: readonly number[];
}

export type DeclineCode =
  | 'insufficient-cpus'
  | 'insufficient-mem'
  | 'missing-port'
  | 'port-reserved-other-role'
  | 'not-pinned-host'
  | 'not-journal-host'
  | 'host-has-master'
  | 'host-has-worker'
  | 'waiting-for-master'
  | 'relaunch-backoff'
  | 'reconciling'
  | 'nothing-needed';

export interface DeclineReason {
  readonly code: DeclineCode;
  readonly text: string;
}

export type MatchResult = { readonly fit: true; readonly resources: Resource[] } | { readonly fit: false; readonly reason: DeclineReason };

/** Mesos keeps scalars to three decimals; so do we, to avoid 0.30000000000000004 on ACCEPT. */
function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function usableBy(resource: Resource, role: string): boolean {
  const owner = resourceRole(resource);
  if (owner !== '*' && owner !== role) return false;
  const allocated = resource.allocation_info?.role;
  return allocated === undefined || allocated === role;
}

/** A copy of `source`'s identity (name, type, role, reservation, allocation) with no value. */
function pieceOf(source: Resource): Resource {
  const piece: Resource = { name: source.name, type: source.type };
  if (source.role !== undefined) piece.role = source.role;
  if (source.reservation !== undefined) piece.reservation = source.reservation;
  if (source.reservations !== undefined) piece.reservations = source.reservations;
  if (source.allocation_info !== undefined) piece.allocation_info = source.allocation_info;
  return piece;
}

function isReserved(resource: Resource): boolean {
  return resourceRole(resource) !== '*';
}

/**
 * Takes `amount` of scalar `name`, from resources reserved for the role first (they are ours alone,
 * so using them leaves the shared pool to others), then from unreserved ones.
 */
function takeScalar(resources: readonly Resource[], role: string, name: string, amount: number, into: Resource[]): void {
  let left = round3(amount);
  for (const reservedPass of [true, false]) {
    for (const resource of resources) {
      if (left <= 0) return;
      if (resource.name !== name || resource.type !== 'SCALAR' || isReserved(resource) !== reservedPass || !usableBy(resource, role))
        continue;
      const taken = round3(Math.min(left, resource.scalar?.value ?? 0));
      if (taken <= 0) continue;
      into.push({ ...pieceOf(resource), scalar: { value: taken } });
      left = round3(left - taken);
    }
  }
}

function holds(resource: Resource, port: number): boolean {
  for (const range of resource.ranges?.range ?? []) if (port >= range.begin && port <= range.end) return true;
  return false;
}

/** The ports resource holding `port` that the role may use, reserved ones first. */
function portSource(resources: readonly Resource[], role: string, port: number): Resource | undefined {
  let unreserved: Resource | undefined;
  for (const resource of resources) {
    if (resource.name !== 'ports' || resource.type !== 'RANGES' || !holds(resource, port) || !usableBy(resource, role)) continue;
    if (isReserved(resource)) return resource;
    unreserved ??= resource;
  }
  return unreserved;
}

/**
 * Fits `size` (plus the command executor's overhead) into `offer` for `role`, or says why not.
 * `what` names the task in reasons ("master", "worker"). Called once per offer of a large OFFERS
 * event, hence plain loops and few allocations.
 */
export function matchOffer(offer: Offer, role: string, size: TaskSize, what: string): MatchResult {
  const all = offer.resources;
  let cpus = 0;
  let mem = 0;
  for (const resource of all) {
    if (resource.type !== 'SCALAR' || !usableBy(resource, role)) continue;
    if (resource.name === 'cpus') cpus += resource.scalar?.value ?? 0;
    else if (resource.name === 'mem') mem += resource.scalar?.value ?? 0;
  }
  cpus = round3(cpus);
  mem = round3(mem);
  const cpusNeeded = round3(size.cpus + COMMAND_EXECUTOR_OVERHEAD.cpus);
  if (cpus < cpusNeeded) {
    return miss(
      'insufficient-cpus',
      `${offer.hostname} offers ${cpus} cpus usable by role ${role}; a ${what} needs ${cpusNeeded} (task + executor)`,
    );
  }
  const memNeeded = round3(size.memMb + COMMAND_EXECUTOR_OVERHEAD.memMb);
  if (mem < memNeeded) {
    return miss(
      'insufficient-mem',
      `${offer.hostname} offers ${mem} MB usable by role ${role}; a ${what} needs ${memNeeded} MB (task + executor)`,
    );
  }

  const sources: Resource[] = [];
  const pieces: Resource[] = [];
  for (const port of [...size.ports].sort((a, b) => a - b)) {
    const source = portSource(all, role, port);
    if (source === undefined) {
      const elsewhere = all.find((r) => r.name === 'ports' && r.type === 'RANGES' && holds(r, port));
      if (elsewhere !== undefined) {
        return miss(
          'port-reserved-other-role',
          `port ${port} on ${offer.hostname} is reserved for role ${resourceRole(elsewhere)}, not ${role}; the ${what} needs it`,
        );
      }
      return miss('missing-port', `${offer.hostname} does not offer port ${port}, which the ${what} needs`);
    }
    const at = sources.indexOf(source);
    const piece = at >= 0 ? pieces[at] : undefined;
    if (piece === undefined) {
      sources.push(source);
      pieces.push({ ...pieceOf(source), ranges: { range: [{ begin: port, end: port }] } });
    } else {
      const ranges = piece.ranges?.range ?? [];
      if (ranges[ranges.length - 1]?.begin !== port) ranges.push({ begin: port, end: port });
    }
  }

  const resources: Resource[] = [];
  takeScalar(all, role, 'cpus', size.cpus, resources);
  takeScalar(all, role, 'mem', size.memMb, resources);
  for (const piece of pieces) resources.push(piece);
  return { fit: true, resources };
}

function miss(code: DeclineCode, text: string): MatchResult {
  return { fit: false, reason: { code, text } };
}
