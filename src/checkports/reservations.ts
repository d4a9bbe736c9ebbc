/**
 * Who may use a resource. Mesos endpoints send reservations in two encodings at once: the
 * pre-refinement `role` (+ `reservation` when dynamic) and the refinement stack `reservations[]`,
 * whose last entry is the role that currently owns the resource. Either may be missing (older
 * masters send only `role`; refinement-only senders only `reservations`).
 */
import type { Resource } from '../mesos/protocol/types.js';
import { resourceRole } from '../mesos/resources/ranges.js';

export const UNRESERVED_ROLE = '*';

/** The role the resource is reserved for now, or undefined when it is unreserved. */
export function reservedRole(resource: Resource): string | undefined {
  const role = resourceRole(resource);
  return role === UNRESERVED_ROLE || role === '' ? undefined : role;
}

/**
 * The role the resource would have if every dynamic reservation were undone, which is what the
 * agent's `--resources` flag says. Static reservations sit at the bottom of the stack.
 */
export function staticRole(resource: Resource): string | undefined {
  const stack = resource.reservations;
  if (stack !== undefined && stack.length > 0) {
    let role: string | undefined;
    for (const layer of stack) {
      if (layer.type === 'DYNAMIC') break;
      role = layer.role;
    }
    return role === undefined || role === UNRESERVED_ROLE ? undefined : role;
  }
  // Pre-refinement: a `reservation` field marks a dynamic reservation on top of unreserved.
  if (resource.reservation !== undefined) return undefined;
  return reservedRole(resource);
}

/**
 * Whether a framework subscribed with `role` may be offered the resource: unreserved resources,
 * and resources reserved for that role or for one of its ancestors (hierarchical roles: a
 * reservation for `eng` is offered to frameworks in `eng/alluxio`). With role `*` only unreserved.
 */
export function usableByRole(resource: Resource, role: string): boolean {
  const owner = reservedRole(resource);
  if (owner === undefined) return true;
  if (role === UNRESERVED_ROLE || role === '') return false;
  return owner === role || role.startsWith(`${owner}/`);
}
