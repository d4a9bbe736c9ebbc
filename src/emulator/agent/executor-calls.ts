/**
 * The v1 executor HTTP API (`POST /api/v1/executor`), JSON form: our own subset of
 * `mesos.v1.executor.Call` / `Event` (include/mesos/v1/executor/executor.proto) and the checks of
 * Mesos 1.12's `validateExecutorCall` (src/common/validation.cpp), with its error texts. Pure: no
 * sockets, no agent state; the agent decides what a valid call does (executor-api.ts).
 *
 * Not supported: the protobuf media type (answered 415), LAUNCH_GROUP (the local cluster has no
 * task groups), checks (`check_status`).
 */
import {
  isTaskState,
  type ExecutorInfo,
  type FrameworkInfo,
  type KillPolicy,
  type Resource,
  type TaskInfo,
  type TaskStatus,
} from '../../mesos/protocol/types.js';
import { isValidUuid } from '../mesos-codec/validation.js';

type ExecutorCallType = 'SUBSCRIBE' | 'UPDATE' | 'MESSAGE' | 'HEARTBEAT';
const CALL_TYPES = new Set<string>(['UNKNOWN', 'SUBSCRIBE', 'UPDATE', 'MESSAGE', 'HEARTBEAT']);

export interface ExecutorCall {
  type: ExecutorCallType;
  frameworkId: string;
  executorId: string;
  /** UPDATE: the status as the executor sent it. */
  status?: TaskStatus;
  /** MESSAGE: base64 bytes. */
  data?: string;
}

/** A call refused before it reaches an executor: the HTTP status and Mesos' text. */
export class ExecutorCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function idOf(value: unknown): string | undefined {
  return isObject(value) && typeof value.value === 'string' ? value.value : undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function convertError(message: string): ExecutorCallError {
  return new ExecutorCallError(400, `Failed to convert JSON into Call protobuf: ${message}`);
}

function validationError(message: string): ExecutorCallError {
  return new ExecutorCallError(400, `Failed to validate Executor::Call: ${message}`);
}

/**
 * Parses and validates one call's JSON body. Throws ExecutorCallError (400) with the text a Mesos
 * 1.12 agent answers; UNKNOWN calls are answered 501 by the caller, as Mesos does.
 */
export function parseExecutorCall(body: string): ExecutorCall | 'UNKNOWN' {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new ExecutorCallError(400, `Failed to parse body into JSON: ${(error as Error).message}`);
  }
  if (!isObject(json)) throw convertError('Expecting a JSON object');
  const missing = ['executor_id', 'framework_id'].filter((field) => idOf(json[field]) === undefined);
  if (missing.length > 0) throw convertError(`Missing required fields: ${missing.join(', ')}`);
  if (json.type !== undefined && (typeof json.type !== 'string' || !CALL_TYPES.has(json.type))) {
    throw convertError(`Failed to find enum for '${String(json.type)}'`);
  }
  if (json.type === undefined) throw validationError("Expecting 'type' to be present");
  const executorId = idOf(json.executor_id)!;
  const frameworkId = idOf(json.framework_id)!;
  const type = json.type as ExecutorCallType | 'UNKNOWN';
  switch (type) {
    case 'UNKNOWN':
      return 'UNKNOWN';
    case 'HEARTBEAT':
      return { type, frameworkId, executorId };
    case 'SUBSCRIBE':
      if (!isObject(json.subscribe)) throw validationError("Expecting 'subscribe' to be present");
      return { type, frameworkId, executorId };
    case 'MESSAGE': {
      const message = json.message;
      if (!isObject(message)) throw validationError("Expecting 'message' to be present");
      if (typeof message.data !== 'string' || !BASE64.test(message.data)) throw convertError('Missing required fields: message.data');
      return { type, frameworkId, executorId, data: message.data };
    }
    case 'UPDATE':
      return { type, frameworkId, executorId, status: validateUpdate(json.update, frameworkId, executorId) };
  }
}

function validateUpdate(update: unknown, frameworkId: string, executorId: string): TaskStatus {
  if (!isObject(update)) throw validationError("Expecting 'update' to be present");
  const status = update.status;
  if (!isObject(status)) throw convertError('Missing required fields: update.status');
  const taskId = idOf(status.task_id);
  if (taskId === undefined || typeof status.state !== 'string')
    throw convertError('Missing required fields: update.status.task_id, update.status.state');
  if (!isTaskState(status.state)) throw convertError(`Failed to find enum for '${status.state}'`);
  if (status.uuid === undefined) throw validationError("Expecting 'uuid' to be present");
  if (typeof status.uuid !== 'string' || !BASE64.test(status.uuid) || !isValidUuid(status.uuid)) throw validationError('Not a valid UUID');
  const statusExecutor = idOf(status.executor_id);
  if (statusExecutor !== undefined && statusExecutor !== executorId) {
    throw validationError(`ExecutorID in Call: ${executorId} does not match ExecutorID in TaskStatus: ${statusExecutor}`);
  }
  if (status.source !== 'SOURCE_EXECUTOR') {
    throw validationError(
      `Received Call from executor ${executorId} of framework ${frameworkId} with invalid source, expecting 'SOURCE_EXECUTOR'`,
    );
  }
  if (status.state === 'TASK_STAGING') {
    throw validationError(`Received TASK_STAGING from executor ${executorId} of framework ${frameworkId} which is not allowed`);
  }
  return status as unknown as TaskStatus;
}

// ---- events ------------------------------------------------------------------------------------

export interface AgentInfoView {
  hostname: string;
  id: { value: string };
  port: number;
  resources: readonly Resource[];
}

export type ExecutorEvent =
  | {
      type: 'SUBSCRIBED';
      subscribed: {
        executor_info: ExecutorInfo;
        framework_info: FrameworkInfo;
        agent_info: AgentInfoView;
        container_id: { value: string };
      };
    }
  | { type: 'LAUNCH'; launch: { task: TaskInfo } }
  | { type: 'KILL'; kill: { task_id: { value: string }; kill_policy?: KillPolicy } }
  | { type: 'ACKNOWLEDGED'; acknowledged: { task_id: { value: string }; uuid: string } }
  | { type: 'MESSAGE'; message: { data: string } }
  | { type: 'ERROR'; error: { message: string } }
  | { type: 'SHUTDOWN' }
  | { type: 'HEARTBEAT' };

export function killEvent(taskId: string, gracePeriodMs: number | undefined): ExecutorEvent {
  return {
    type: 'KILL',
    kill: {
      task_id: { value: taskId },
      ...(gracePeriodMs === undefined ? {} : { kill_policy: { grace_period: { nanoseconds: Math.round(gracePeriodMs * 1e6) } } }),
    },
  };
}

export function acknowledgedEvent(taskId: string, uuid: string): ExecutorEvent {
  return { type: 'ACKNOWLEDGED', acknowledged: { task_id: { value: taskId }, uuid } };
}
