/**
 * A task's launch specification as data, and its fingerprint: `sha256:` and 16 hex digits over the
 * specification in a canonical form (keys sorted), so the same configuration gives the same
 * fingerprint in every process and on every run. The Alluxio master's host is a placeholder in the
 * specification: it is chosen from offers, and a worker relaunched next to a master that moved is
 * not a different specification.
 */
import { createHash } from 'node:crypto';
import type { CommandInfo } from '../../mesos/protocol/types.js';
import type { SlotRole } from '../../state/ledger.js';
import type { LaunchSpecRecord } from '../../state/desired-state.js';
import { shellQuote } from '../../shared/shell-quote.js';

/** Stands for the Alluxio master's host in a stored command (reserved name, RFC 6761: never a real host). */
export const MASTER_HOST_PLACEHOLDER = 'alluxio-master-host.invalid';

/** The fingerprint of one launch specification. */
export function fingerprintOf(spec: LaunchSpecRecord): string {
  const { role, name, cpus, memMb, ports, command, properties, distribution } = spec;
  const canonical = canonicalJson({ role, name, cpus, memMb, ports, command, properties, distribution });
  return `sha256:${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}

/** The command of a task of `spec` pointed at the master on `masterHostname`. */
export function commandFromSpec(spec: LaunchSpecRecord, masterHostname: string): CommandInfo {
  const { value } = spec.command;
  if (value === undefined) return spec.command;
  // The placeholder reached the command as a shell word; so does the real host, quoted as needed.
  return { ...spec.command, value: value.split(shellQuote(MASTER_HOST_PLACEHOLDER)).join(shellQuote(masterHostname)) };
}

/** Inputs of {@link launchSpecOf}: a role's template and how its command is built. */
export interface LaunchSpecParts {
  readonly role: SlotRole;
  readonly name: string;
  readonly cpus: number;
  readonly memMb: number;
  readonly ports: readonly number[];
  readonly rpcPort: number;
  readonly bindHost?: string | undefined;
  readonly command: (role: SlotRole, masterHostname: string) => CommandInfo;
  readonly properties: Readonly<Record<string, string>>;
  readonly distribution: string;
}

export function launchSpecOf(parts: LaunchSpecParts): LaunchSpecRecord {
  return {
    role: parts.role,
    name: parts.name,
    cpus: parts.cpus,
    memMb: parts.memMb,
    ports: [...parts.ports],
    rpcPort: parts.rpcPort,
    ...(parts.bindHost === undefined ? {} : { bindHost: parts.bindHost }),
    command: parts.command(parts.role, MASTER_HOST_PLACEHOLDER),
    properties: { ...parts.properties },
    distribution: parts.distribution,
  };
}

/** JSON with object keys sorted at every depth (arrays keep their order: it is meaningful). */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
