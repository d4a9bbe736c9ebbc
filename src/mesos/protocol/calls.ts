/**
 * One-line constructors for scheduler calls, in the style of mesos-go's `scheduler/calls`.
 *
 * Apart from `subscribe()`, calls are built without a framework id; stamp it with
 * `withFrameworkId()` (typically in the code that sends calls, which knows the current id).
 */
import type { AgentID, Call, Filters, FrameworkID, FrameworkInfo, KillPolicy, OfferID, OfferOperation, TaskID, TaskInfo } from './types.js';

/**
 * SUBSCRIBE. With `frameworkId` (re-subscribing after a disconnect or failover) the id goes in both
 * `framework_info.id` and the top-level `framework_id`, as Mesos requires.
 */
export function subscribe(frameworkInfo: FrameworkInfo, frameworkId?: FrameworkID): Call {
  const id = frameworkId ?? frameworkInfo.id;
  if (id === undefined) return { type: 'SUBSCRIBE', subscribe: { framework_info: frameworkInfo } };
  return {
    framework_id: { value: id.value },
    type: 'SUBSCRIBE',
    subscribe: { framework_info: { ...frameworkInfo, id: { value: id.value } } },
  };
}

/** ACCEPT offers with operations (e.g. `[launch(tasks)]`); unused resources are declined with `filters`. */
export function accept(offerIds: OfferID[], operations: OfferOperation[], filters?: Filters): Call {
  return {
    type: 'ACCEPT',
    accept: { offer_ids: offerIds, operations, ...(filters === undefined ? {} : { filters }) },
  };
}

/** The LAUNCH offer operation. */
export function launch(tasks: TaskInfo[]): OfferOperation {
  return { type: 'LAUNCH', launch: { task_infos: tasks } };
}

/** DECLINE offers; without `refuseSeconds` Mesos applies its default filter (5 s). */
export function decline(offerIds: OfferID[], refuseSeconds?: number): Call {
  return {
    type: 'DECLINE',
    decline: { offer_ids: offerIds, ...(refuseSeconds === undefined ? {} : { filters: { refuse_seconds: refuseSeconds } }) },
  };
}

/** REVIVE offers, for the given roles or (no roles) all of the framework's roles. */
export function revive(roles?: string[]): Call {
  return { type: 'REVIVE', ...(roles === undefined ? {} : { revive: { roles } }) };
}

/** SUPPRESS offers, for the given roles or (no roles) all of the framework's roles. */
export function suppress(roles?: string[]): Call {
  return { type: 'SUPPRESS', ...(roles === undefined ? {} : { suppress: { roles } }) };
}

export function kill(taskId: TaskID, agentId?: AgentID, killPolicy?: KillPolicy): Call {
  return {
    type: 'KILL',
    kill: {
      task_id: taskId,
      ...(agentId === undefined ? {} : { agent_id: agentId }),
      ...(killPolicy === undefined ? {} : { kill_policy: killPolicy }),
    },
  };
}

/** ACKNOWLEDGE a status update; `uuid` is the update's base64 uuid, passed through unchanged. */
export function acknowledge(agentId: AgentID, taskId: TaskID, uuid: string): Call {
  return { type: 'ACKNOWLEDGE', acknowledge: { agent_id: agentId, task_id: taskId, uuid } };
}

/** RECONCILE the given tasks; an empty list asks for every task Mesos knows (implicit reconciliation). */
export function reconcile(tasks: Array<{ task_id: TaskID; agent_id?: AgentID }>): Call {
  return { type: 'RECONCILE', reconcile: { tasks } };
}

/** TEARDOWN: kill every task and remove the framework. */
export function teardown(): Call {
  return { type: 'TEARDOWN' };
}

/** A copy of `call` with the top-level `framework_id` set (first in field order, as Mesos writes it). */
export function withFrameworkId(call: Call, frameworkId: FrameworkID): Call {
  const { framework_id: _ignored, ...rest } = call;
  return { framework_id: { value: frameworkId.value }, ...rest };
}
