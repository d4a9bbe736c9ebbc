/**
 * The master's structural validation of v1 calls (apache/mesos `src/master/validation.cpp`,
 * `validation::scheduler::call::validate` and `validation::master::call::validate`), returning
 * the same messages. The HTTP layer prefixes them with `Failed to validate scheduler::Call: ` or
 * `Failed to validate master::Call: `.
 */
import type { Shape } from '../../mesos/protocol/shape.js';
import type { Call, OperatorCall } from '../../mesos/protocol/types.js';

/** Scheduler call types whose payload field must be present (the field name is what Mesos quotes). */
const SCHEDULER_PAYLOADS: Readonly<Record<string, string>> = {
  ACCEPT: 'accept',
  DECLINE: 'decline',
  ACCEPT_INVERSE_OFFERS: 'accept_inverse_offers',
  DECLINE_INVERSE_OFFERS: 'decline_inverse_offers',
  KILL: 'kill',
  SHUTDOWN: 'shutdown',
  ACKNOWLEDGE: 'acknowledge',
  ACKNOWLEDGE_OPERATION_STATUS: 'acknowledge_operation_status',
  RECONCILE: 'reconcile',
  RECONCILE_OPERATIONS: 'reconcile_operations',
  MESSAGE: 'message',
  REQUEST: 'request',
  UPDATE_FRAMEWORK: 'update_framework',
};

const OPERATOR_PAYLOADS: Readonly<Record<string, string>> = {
  GET_METRICS: 'get_metrics',
  SET_LOGGING_LEVEL: 'set_logging_level',
  LIST_FILES: 'list_files',
  READ_FILE: 'read_file',
  UPDATE_WEIGHTS: 'update_weights',
  RESERVE_RESOURCES: 'reserve_resources',
  UNRESERVE_RESOURCES: 'unreserve_resources',
  CREATE_VOLUMES: 'create_volumes',
  DESTROY_VOLUMES: 'destroy_volumes',
  GROW_VOLUME: 'grow_volume',
  SHRINK_VOLUME: 'shrink_volume',
  UPDATE_MAINTENANCE_SCHEDULE: 'update_maintenance_schedule',
  START_MAINTENANCE: 'start_maintenance',
  STOP_MAINTENANCE: 'stop_maintenance',
  DRAIN_AGENT: 'drain_agent',
  DEACTIVATE_AGENT: 'deactivate_agent',
  REACTIVATE_AGENT: 'reactivate_agent',
  UPDATE_QUOTA: 'update_quota',
  SET_QUOTA: 'set_quota',
  REMOVE_QUOTA: 'remove_quota',
  TEARDOWN: 'teardown',
  MARK_AGENT_GONE: 'mark_agent_gone',
};

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function idValue(id: unknown): string {
  const value = (id as { value?: unknown } | undefined)?.value;
  return typeof value === 'string' ? value : '';
}

/**
 * boost::uuids' version check on 16 raw bytes, as `id::UUID::fromBytes` does it (Boost 1.81 knows
 * versions 1 to 5).
 */
export function isValidUuid(base64: unknown): boolean {
  if (typeof base64 !== 'string') return false;
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== 16) return false;
  const version = ((bytes[6] as number) & 0xf0) >> 4;
  return version >= 1 && version <= 5;
}

/**
 * Mesos' validation message for a scheduler call, or undefined when the call is structurally valid.
 * `principal` is the authenticated principal of the request, when HTTP authentication is on.
 */
export function validateSchedulerCall(call: Call, principal?: string): string | undefined {
  const shape = call as unknown as Shape;
  const type = shape.type;
  if (!present(type)) return "Expecting 'type' to be present";

  if (type === 'SUBSCRIBE') {
    const subscribe = shape.subscribe as Shape | undefined;
    if (!present(subscribe)) return "Expecting 'subscribe' to be present";
    const frameworkInfo = (subscribe as Shape).framework_info as Shape | undefined;
    if (idValue(frameworkInfo?.id) !== idValue(shape.framework_id)) {
      return "'framework_id' differs from 'subscribe.framework_info.id'";
    }
    const declared = frameworkInfo?.principal;
    if (principal !== undefined && typeof declared === 'string' && principal !== declared) {
      return `Authenticated principal '${principal}' does not match principal '${declared}' set in \`FrameworkInfo\``;
    }
    return undefined;
  }

  if (!present(shape.framework_id)) return "Expecting 'framework_id' to be present";

  const payload = SCHEDULER_PAYLOADS[type as string];
  if (payload !== undefined && !present(shape[payload])) return `Expecting '${payload}' to be present`;

  switch (type) {
    case 'ACKNOWLEDGE':
      return isValidUuid((shape.acknowledge as Shape).uuid) ? undefined : 'Not a valid UUID';
    case 'ACKNOWLEDGE_OPERATION_STATUS': {
      const acknowledge = shape.acknowledge_operation_status as Shape;
      if (!isValidUuid(acknowledge.uuid)) return 'Not a valid UUID';
      return present(acknowledge.agent_id) ? undefined : "Expecting 'agent_id' to be present";
    }
    case 'UPDATE_FRAMEWORK': {
      const frameworkInfo = (shape.update_framework as Shape).framework_info as Shape | undefined;
      return idValue(frameworkInfo?.id) === idValue(shape.framework_id)
        ? undefined
        : "'framework_id' differs from 'update_framework.framework_info.id'";
    }
    default:
      return undefined;
  }
}

/** Mesos' validation message for an operator API call, or undefined when it is structurally valid. */
export function validateOperatorCall(call: OperatorCall): string | undefined {
  const shape = call as unknown as Shape;
  if (!present(shape.type)) return "Expecting 'type' to be present";
  const payload = OPERATOR_PAYLOADS[shape.type as string];
  if (payload !== undefined && !present(shape[payload])) return `Expecting '${payload}' to be present`;
  if (shape.type === 'GROW_VOLUME' || shape.type === 'SHRINK_VOLUME') {
    const body = shape[payload as string] as Shape;
    if (!present(body.agent_id)) {
      return "Expecting 'agent_id' to be present; only agent default resources are supported right now";
    }
  }
  return undefined;
}
