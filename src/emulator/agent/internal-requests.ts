/**
 * Validation of the master's internal requests (`AGENT_INTERNAL`): each parser returns the typed
 * request or throws an InternalError carrying the 4xx status and message the master gets back.
 */
import type { FrameworkInfo, TaskInfo } from '../../mesos/protocol/types.js';
import { InternalError } from './agent-http.js';
import { validatePathId } from './sandbox.js';

function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InternalError(400, `Expecting '${what}' to be an object`);
  }
  return value as Record<string, unknown>;
}

function requireId(value: unknown, what: string): string {
  const id = (value as { value?: unknown } | undefined)?.value;
  if (typeof id !== 'string' || id === '') throw new InternalError(400, `Expecting '${what}.value' to be a non-empty string`);
  return id;
}

export interface ParsedLaunch {
  frameworkId: string;
  frameworkInfo: FrameworkInfo;
  task: TaskInfo;
  taskId: string;
}

export function parseLaunch(body: unknown): ParsedLaunch {
  const request = requireObject(body, 'body');
  const frameworkId = requireId(request.framework_id, 'framework_id');
  const frameworkInfo = requireObject(request.framework_info, 'framework_info') as unknown as FrameworkInfo;
  const task = requireObject(request.task, 'task') as unknown as TaskInfo;
  const taskId = requireId(task.task_id, 'task.task_id');
  for (const [kind, id] of [
    ['Framework ID', frameworkId],
    ['Task ID', taskId],
  ] as const) {
    // Ids become sandbox path segments.
    const problem = validatePathId(kind, id);
    if (problem !== undefined) throw new InternalError(400, problem);
  }
  if (task.executor !== undefined) {
    const executor = requireObject(task.executor, 'task.executor') as unknown as NonNullable<TaskInfo['executor']>;
    const executorId = requireId(executor.executor_id, 'task.executor.executor_id');
    const problem = validatePathId('Executor ID', executorId);
    if (problem !== undefined) throw new InternalError(400, problem);
    if (executor.type === 'DEFAULT' || typeof executor.command?.value !== 'string' || executor.command.value === '') {
      throw new InternalError(
        400,
        `Executor '${executorId}' has no CommandInfo.value; the local agent runs custom executors with a command only`,
      );
    }
  } else if (typeof task.command?.value !== 'string' || task.command.value === '') {
    throw new InternalError(400, `Task '${taskId}' has no CommandInfo.value; the local agent runs command tasks only`);
  }
  if (!Array.isArray(task.resources)) throw new InternalError(400, `Task '${taskId}' has no resources`);
  return { frameworkId, frameworkInfo, task, taskId };
}

export interface ParsedKill {
  frameworkId: string;
  taskId: string;
  gracePeriodMs: number | undefined;
}

export function parseKill(body: unknown): ParsedKill {
  const request = requireObject(body, 'body');
  const grace = request.grace_period_ms;
  if (grace !== undefined && (typeof grace !== 'number' || !(grace >= 0))) {
    throw new InternalError(400, "Expecting 'grace_period_ms' to be a non-negative number");
  }
  return {
    frameworkId: requireId(request.framework_id, 'framework_id'),
    taskId: requireId(request.task_id, 'task_id'),
    gracePeriodMs: grace,
  };
}

export interface ParsedAcknowledge {
  frameworkId: string;
  taskId: string;
  uuid: string;
}

export function parseAcknowledge(body: unknown): ParsedAcknowledge {
  const request = requireObject(body, 'body');
  const frameworkId = requireId(request.framework_id, 'framework_id');
  const taskId = requireId(request.task_id, 'task_id');
  if (typeof request.uuid !== 'string' || request.uuid === '') throw new InternalError(400, "Expecting 'uuid' to be a base64 string");
  return { frameworkId, taskId, uuid: request.uuid };
}

/** `{launches: [...]}`; each item is checked when it is applied (parseLaunch). */
export function parseLaunches(body: unknown): unknown[] {
  return requireList(body, 'launches');
}

/** `{acknowledgements: [...]}`; each item is checked when it is applied (parseAcknowledge). */
export function parseAcknowledgements(body: unknown): unknown[] {
  return requireList(body, 'acknowledgements');
}

/** The array under `key` of a batched message. */
function requireList(body: unknown, key: string): unknown[] {
  const list = requireObject(body, 'body')[key];
  if (!Array.isArray(list)) throw new InternalError(400, `Expecting '${key}' to be an array`);
  return list;
}

export function parseShutdownFramework(body: unknown): { frameworkId: string } {
  return { frameworkId: requireId(requireObject(body, 'body').framework_id, 'framework_id') };
}

export function parseUpdateFramework(body: unknown): { frameworkId: string; frameworkInfo: FrameworkInfo } {
  const request = requireObject(body, 'body');
  return {
    frameworkId: requireId(request.framework_id, 'framework_id'),
    frameworkInfo: requireObject(request.framework_info, 'framework_info') as unknown as FrameworkInfo,
  };
}

/** `{master_id, agent_id}`; both optional (a bare liveness probe is fine too). */
export function parsePing(body: unknown): { masterId: string | undefined; agentId: string | undefined } {
  const ping = body as { master_id?: unknown; agent_id?: { value?: unknown } } | undefined;
  return {
    masterId: typeof ping?.master_id === 'string' ? ping.master_id : undefined,
    agentId: typeof ping?.agent_id?.value === 'string' ? ping.agent_id.value : undefined,
  };
}
