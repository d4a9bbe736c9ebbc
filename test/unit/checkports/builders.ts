/** Hand-made v1 resources and agents for the check-ports tests. */
import type { Resource } from '../../../src/mesos/protocol/types.js';
import type { CheckPortsAgent } from '../../../src/checkports/evaluate-agent.js';

export interface ReservationOptions {
  /** Pre-refinement static reservation: `role: R`, plus the refinement stack as ENDPOINT format sends. */
  role?: string;
  /** Dynamic reservation for this role (on top of `role` when both are given). */
  dynamicRole?: string;
  /** Only the refinement stack, no pre-refinement `role` field. */
  refinementOnly?: boolean;
}

function reserve(resource: Resource, options: ReservationOptions): Resource {
  const stack: NonNullable<Resource['reservations']> = [];
  if (options.role !== undefined) stack.push({ type: 'STATIC', role: options.role });
  if (options.dynamicRole !== undefined) stack.push({ type: 'DYNAMIC', role: options.dynamicRole, principal: 'ops' });
  if (stack.length === 0) return options.refinementOnly === true ? resource : { ...resource, role: '*' };
  const owner = stack[stack.length - 1]!.role!;
  const withStack: Resource = { ...resource, reservations: stack };
  if (options.refinementOnly === true) return withStack;
  return {
    ...withStack,
    role: owner,
    ...(options.dynamicRole !== undefined ? { reservation: { principal: 'ops' } } : {}),
  };
}

export function ports(ranges: Array<[number, number]>, options: ReservationOptions = {}): Resource {
  return reserve({ name: 'ports', type: 'RANGES', ranges: { range: ranges.map(([begin, end]) => ({ begin, end })) } }, options);
}

/** Ports in the legacy string form some endpoints send. */
export function portsString(text: string, options: ReservationOptions = {}): Resource {
  const resource = { name: 'ports', type: 'RANGES', ranges: text } as unknown as Resource;
  return reserve(resource, options);
}

export function scalar(name: string, value: number, options: ReservationOptions = {}): Resource {
  return reserve({ name, type: 'SCALAR', scalar: { value } }, options);
}

export const cpus = (value: number, options: ReservationOptions = {}): Resource => scalar('cpus', value, options);
export const mem = (value: number, options: ReservationOptions = {}): Resource => scalar('mem', value, options);
export const disk = (value: number, options: ReservationOptions = {}): Resource => scalar('disk', value, options);

export function set(name: string, items: string[]): Resource {
  return { name, type: 'SET', set: { item: items }, role: '*' };
}

export interface AgentSpec {
  hostname?: string;
  agentId?: string;
  version?: string;
  active?: boolean;
  total?: Resource[];
  allocated?: Resource[];
  offered?: Resource[];
  startup?: Resource[];
}

let counter = 0;

/** An agent with 4 cpus / 8192 MB / Mesos' default ports unless told otherwise. */
export function agent(spec: AgentSpec = {}): CheckPortsAgent {
  counter += 1;
  const hostname = spec.hostname ?? `agent-${counter}.example.com`;
  return {
    agentId: spec.agentId ?? `S${counter}`,
    hostname,
    ...(spec.version === undefined ? { version: '1.12.0' } : spec.version === '' ? {} : { version: spec.version }),
    active: spec.active ?? true,
    resources: {
      total: spec.total ?? [cpus(4), mem(8192), disk(100000), ports([[31000, 32000]])],
      allocated: spec.allocated ?? [],
      offered: spec.offered ?? [],
    },
    ...(spec.startup === undefined ? {} : { startupResources: spec.startup }),
  };
}

/** Everything Alluxio needs with its default ports, plus Mesos' default range. */
export const ALLUXIO_AND_DEFAULT: Array<[number, number]> = [
  [19998, 19999],
  [29998, 30000],
  [31000, 32000],
];
