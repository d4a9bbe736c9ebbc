/**
 * One task shape from GET_TASKS (1.0+) and from the state JSON (`frameworks[].tasks`,
 * `completed_tasks`, `unreachable_tasks`, and `completed_frameworks[]...`).
 */
import type { Resource } from '../protocol/types.js';
import {
  asArray,
  asRecord,
  asString,
  idValue,
  optionalArray,
  optionalBoolean,
  optionalRecord,
  optionalSeconds,
  optionalString,
  parseResource,
  type JsonRecord,
} from './json-shape.js';
import { resourcesFromFlattened } from '../resources/ranges.js';

interface TaskStatusRecord {
  state: string;
  /** Seconds since the epoch. */
  timestamp: number | undefined;
  message: string | undefined;
  reason: string | undefined;
  healthy: boolean | undefined;
  containerId: string | undefined;
}

export interface TaskRecord {
  taskId: string;
  name: string;
  frameworkId: string;
  agentId: string;
  /** Undefined for command tasks (the agent then uses the task id as the executor id). */
  executorId: string | undefined;
  state: string;
  statuses: TaskStatusRecord[];
  resources: Resource[];
  /** The task was launched with a health check (so a RUNNING task without a result is not yet known healthy). */
  hasHealthCheck: boolean;
  /** Where the master listed it: terminal tasks whose updates were all acknowledged are `completed`. */
  list: 'active' | 'completed' | 'unreachable' | 'pending';
  /** The TaskInfo's labels (key -> value). */
  labels?: Map<string, string>;
}

const V1_LISTS = [
  ['pending_tasks', 'pending'],
  ['tasks', 'active'],
  ['unreachable_tasks', 'unreachable'],
  ['completed_tasks', 'completed'],
] as const;

export function tasksFromGetTasks(json: unknown, where: string): TaskRecord[] {
  const body = asRecord(asRecord(json, where).get_tasks, `${where}: get_tasks`);
  return V1_LISTS.flatMap(([key, list]) =>
    optionalArray(body[key], `${where}: get_tasks.${key}`).map((value, i) => {
      const at = `${where}: get_tasks.${key}[${i}]`;
      const task = asRecord(value, at);
      const executor = optionalRecord(task.executor_id, `${at}.executor_id`);
      return {
        taskId: idValue(task.task_id, `${at}.task_id`),
        name: asString(task.name, `${at}.name`),
        frameworkId: idValue(task.framework_id, `${at}.framework_id`),
        agentId: idValue(task.agent_id, `${at}.agent_id`),
        executorId: executor === undefined ? undefined : nonEmpty(idValue(executor, `${at}.executor_id`)),
        state: asString(task.state, `${at}.state`),
        statuses: statuses(task.statuses, `${at}.statuses`),
        resources: optionalArray(task.resources, `${at}.resources`).map((r, j) => parseResource(r, `${at}.resources[${j}]`)),
        hasHealthCheck: task.health_check !== undefined,
        list,
        labels: labelsOf(task.labels),
      };
    }),
  );
}

/** From `/master/state` (or `/master/tasks`, which has a top-level `tasks` list). */
export function tasksFromStateJson(json: unknown, where: string): TaskRecord[] {
  const root = asRecord(json, where);
  if (root.frameworks === undefined && Array.isArray(root.tasks)) {
    return root.tasks.map((value, i) => taskFromState(asRecord(value, `${where}: tasks[${i}]`), `${where}: tasks[${i}]`, 'active'));
  }
  const frameworks = [
    ...asArray(root.frameworks, `${where}: frameworks`).map((f, i) => [f, `${where}: frameworks[${i}]`] as const),
    ...optionalArray(root.completed_frameworks, `${where}: completed_frameworks`).map(
      (f, i) => [f, `${where}: completed_frameworks[${i}]`] as const,
    ),
  ];
  return frameworks.flatMap(([value, at]) => {
    const framework = asRecord(value, at);
    const lists = [
      ['tasks', 'active'],
      ['unreachable_tasks', 'unreachable'],
      ['completed_tasks', 'completed'],
    ] as const;
    return lists.flatMap(([key, list]) =>
      optionalArray(framework[key], `${at}.${key}`).map((task, i) =>
        taskFromState(asRecord(task, `${at}.${key}[${i}]`), `${at}.${key}[${i}]`, list),
      ),
    );
  });
}

function taskFromState(task: JsonRecord, at: string, list: TaskRecord['list']): TaskRecord {
  return {
    taskId: asString(task.id, `${at}.id`),
    name: asString(task.name, `${at}.name`),
    frameworkId: asString(task.framework_id, `${at}.framework_id`),
    agentId: asString(task.slave_id ?? task.agent_id, `${at}.slave_id`),
    executorId: nonEmpty(optionalString(task.executor_id, `${at}.executor_id`)),
    state: asString(task.state, `${at}.state`),
    statuses: statuses(task.statuses, `${at}.statuses`),
    resources: resourcesFromFlattened(task.resources, optionalString(task.role, `${at}.role`), `${at}.resources`),
    hasHealthCheck: task.health_check !== undefined,
    list,
    labels: labelsOf(task.labels),
  };
}

/** Labels as the v1 API writes them (`{labels: [...]}`) or the state JSON does (a plain list). */
function labelsOf(value: unknown): Map<string, string> {
  const list = Array.isArray(value) ? value : (value as { labels?: unknown } | undefined)?.labels;
  const labels = new Map<string, string>();
  if (!Array.isArray(list)) return labels;
  for (const entry of list as unknown[]) {
    const label = entry as { key?: unknown; value?: unknown } | null;
    if (typeof label?.key === 'string') labels.set(label.key, typeof label.value === 'string' ? label.value : '');
  }
  return labels;
}

function statuses(value: unknown, where: string): TaskStatusRecord[] {
  return optionalArray(value, where).map((item, i) => {
    const at = `${where}[${i}]`;
    const status = asRecord(item, at);
    const container = optionalRecord(
      optionalRecord(status.container_status, `${at}.container_status`)?.container_id,
      `${at}.container_status.container_id`,
    );
    return {
      state: asString(status.state, `${at}.state`),
      timestamp: optionalSeconds(status.timestamp, `${at}.timestamp`),
      message: optionalString(status.message, `${at}.message`),
      reason: optionalString(status.reason, `${at}.reason`),
      healthy: optionalBoolean(status.healthy, `${at}.healthy`),
      containerId: container === undefined ? undefined : optionalString(container.value, `${at}.container_status.container_id.value`),
    };
  });
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}
