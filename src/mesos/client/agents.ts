/**
 * One agent shape for every master version: from the v1 operator API's GET_AGENTS (1.0+), and
 * from the state JSON's `slaves` list (`/master/slaves`, `/master/state`, their `.json` forms),
 * where resources are flattened maps with ports as a string such as "[31000-32000, 40000-40010]".
 */
import type { Resource } from '../protocol/types.js';
import {
  asArray,
  asNumber,
  asRecord,
  asString,
  idValue,
  optionalArray,
  optionalBoolean,
  optionalPort,
  optionalRecord,
  optionalString,
  parseResource,
  shapeError,
  type JsonRecord,
} from './json-shape.js';
import { formatRanges, resourcesByRole, resourcesFromFlattened } from '../resources/ranges.js';

export interface AgentRecord {
  agentId: string;
  hostname: string;
  port: number;
  /** libprocess pid, `slave(1)@10.0.0.5:5051`. */
  pid: string | undefined;
  version: string | undefined;
  active: boolean;
  /** Everything the agent provides, each resource carrying its role ('*' or absent: unreserved). */
  resources: Resource[];
  /** Used by running tasks and executors. */
  usedResources: Resource[];
  /** Offered to a framework right now: not used, but not available to others either. */
  offeredResources: Resource[];
  /** The reserved part of `resources`, by role. */
  reservedResources: Record<string, Resource[]>;
  /** Text and scalar attributes as they are; ranges and sets in Mesos' text form. */
  attributes: Record<string, string | number>;
}

/** From the JSON answer to `{"type":"GET_AGENTS"}`. `where` names the endpoint. */
export function agentsFromGetAgents(json: unknown, where: string): AgentRecord[] {
  const root = asRecord(json, where);
  const body = asRecord(root.get_agents, `${where}: get_agents`);
  return optionalArray(body.agents, `${where}: get_agents.agents`).map((value, i) => {
    const at = `${where}: get_agents.agents[${i}]`;
    const agent = asRecord(value, at);
    const info = asRecord(agent.agent_info, `${at}.agent_info`);
    const resources = resourceList(agent.total_resources ?? info.resources, `${at}.total_resources`);
    return {
      agentId: idValue(info.id, `${at}.agent_info.id`),
      hostname: asString(info.hostname, `${at}.agent_info.hostname`),
      port: optionalPort(info.port, `${at}.agent_info.port`) ?? portFromPid(optionalString(agent.pid, `${at}.pid`)) ?? 5051,
      pid: optionalString(agent.pid, `${at}.pid`),
      version: optionalString(agent.version, `${at}.version`),
      active: optionalBoolean(agent.active, `${at}.active`) ?? true,
      resources,
      usedResources: resourceList(agent.allocated_resources, `${at}.allocated_resources`),
      offeredResources: resourceList(agent.offered_resources, `${at}.offered_resources`),
      reservedResources: reservedByRole(resources),
      attributes: attributesFromV1(info.attributes, `${at}.agent_info.attributes`),
    };
  });
}

/** From a state-JSON document holding `slaves` (`/master/slaves`, `/master/state`, `.json` forms). */
export function agentsFromStateJson(json: unknown, where: string): AgentRecord[] {
  const root = asRecord(json, where);
  return asArray(root.slaves, `${where}: slaves`).map((value, i) =>
    agentFromSlave(asRecord(value, `${where}: slaves[${i}]`), `${where}: slaves[${i}]`),
  );
}

function agentFromSlave(slave: JsonRecord, at: string): AgentRecord {
  const pid = optionalString(slave.pid, `${at}.pid`);
  const port = optionalPort(slave.port, `${at}.port`) ?? portFromPid(pid);
  if (port === undefined) throw shapeError(`${at}.port`, 'a number (or a pid with a port)', slave.port);
  const resources = totalResources(slave, at);
  return {
    agentId: asString(slave.id, `${at}.id`),
    hostname: asString(slave.hostname, `${at}.hostname`),
    port,
    pid,
    version: optionalString(slave.version, `${at}.version`),
    active: optionalBoolean(slave.active, `${at}.active`) ?? true,
    resources,
    usedResources: fullOrFlattened(slave, 'used_resources', at),
    offeredResources: fullOrFlattened(slave, 'offered_resources', at),
    reservedResources: reservedByRole(resources),
    attributes: attributesFromState(slave.attributes, `${at}.attributes`),
  };
}

/**
 * Total resources with their roles. The `_full` lists (1.x `/master/slaves`) are exact; otherwise
 * the flattened unreserved map plus the per-role reserved maps; the oldest masters only have the
 * merged `resources` map, whose roles cannot be told apart.
 */
function totalResources(slave: JsonRecord, at: string): Resource[] {
  if (Array.isArray(slave.unreserved_resources_full) || isObject(slave.reserved_resources_full)) {
    const unreserved = resourceList(slave.unreserved_resources_full, `${at}.unreserved_resources_full`);
    const reserved = Object.entries(optionalRecord(slave.reserved_resources_full, `${at}.reserved_resources_full`) ?? {}).flatMap(
      ([role, list]) => resourceList(list, `${at}.reserved_resources_full.${role}`).map((r) => withRole(r, role)),
    );
    return [...unreserved, ...reserved];
  }
  if (slave.unreserved_resources !== undefined) {
    const unreserved = resourcesFromFlattened(slave.unreserved_resources, '*', `${at}.unreserved_resources`);
    const reserved = Object.entries(optionalRecord(slave.reserved_resources, `${at}.reserved_resources`) ?? {}).flatMap(([role, map]) =>
      resourcesFromFlattened(map, role, `${at}.reserved_resources.${role}`),
    );
    return [...unreserved, ...reserved];
  }
  return resourcesFromFlattened(slave.resources, '*', `${at}.resources`);
}

/** Used and offered resources: roles are only known from the `_full` lists. */
function fullOrFlattened(slave: JsonRecord, key: 'used_resources' | 'offered_resources', at: string): Resource[] {
  const full = slave[`${key}_full`];
  if (Array.isArray(full)) return resourceList(full, `${at}.${key}_full`);
  return resourcesFromFlattened(slave[key], undefined, `${at}.${key}`);
}

function resourceList(value: unknown, where: string): Resource[] {
  return optionalArray(value, where).map((r, i) => parseResource(r, `${where}[${i}]`));
}

function reservedByRole(resources: readonly Resource[]): Record<string, Resource[]> {
  const result: Record<string, Resource[]> = {};
  for (const [role, list] of resourcesByRole(resources)) if (role !== '*') result[role] = list;
  return result;
}

function withRole(resource: Resource, role: string): Resource {
  return resource.role === undefined && resource.reservations === undefined ? { ...resource, role } : resource;
}

function attributesFromV1(value: unknown, where: string): Record<string, string | number> {
  const result: Record<string, string | number> = {};
  optionalArray(value, where).forEach((item, i) => {
    const at = `${where}[${i}]`;
    const attribute = asRecord(item, at);
    const name = asString(attribute.name, `${at}.name`);
    const type = asString(attribute.type, `${at}.type`);
    if (type === 'TEXT') result[name] = asString(asRecord(attribute.text, `${at}.text`).value, `${at}.text.value`);
    else if (type === 'SCALAR') result[name] = asNumber(asRecord(attribute.scalar, `${at}.scalar`).value, `${at}.scalar.value`);
    else if (type === 'RANGES')
      result[name] = formatRanges(parseResource({ name, type, ranges: attribute.ranges }, at).ranges?.range ?? []);
    else if (type === 'SET') result[name] = `{${(parseResource({ name, type, set: attribute.set }, at).set?.item ?? []).join(',')}}`;
    else throw shapeError(`${at}.type`, 'TEXT, SCALAR, RANGES or SET', type);
  });
  return result;
}

function attributesFromState(value: unknown, where: string): Record<string, string | number> {
  const result: Record<string, string | number> = {};
  for (const [name, attribute] of Object.entries(optionalRecord(value, where) ?? {})) {
    if (typeof attribute === 'string' || (typeof attribute === 'number' && Number.isFinite(attribute))) result[name] = attribute;
    else throw shapeError(`${where}.${name}`, 'a string or a number', attribute);
  }
  return result;
}

/** `slave(1)@10.0.0.5:5051` -> 5051. */
export function portFromPid(pid: string | undefined): number | undefined {
  const match = pid === undefined ? null : /:(\d{1,5})$/.exec(pid);
  const port = match === null ? undefined : Number(match[1]);
  return port !== undefined && port >= 1 && port <= 65535 ? port : undefined;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
