/** The TaskInfo of one placement. */
import type { CommandInfo, HealthCheck, Resource, TaskInfo } from '../../mesos/protocol/types.js';
import { ALIAS_LABEL, FINGERPRINT_LABEL } from '../../state/task-names.js';

export interface TaskInfoParts {
  readonly name: string;
  readonly taskId: string;
  readonly alias: string;
  readonly agentId: string;
  readonly resources: Resource[];
  readonly command: CommandInfo;
  /** The launch specification's fingerprint, as a label: drift is visible from Mesos alone. */
  readonly fingerprint?: string | undefined;
  readonly healthCheck: HealthCheck | undefined;
}

export function buildTaskInfo(parts: TaskInfoParts): TaskInfo {
  const task: TaskInfo = {
    name: parts.name,
    task_id: { value: parts.taskId },
    agent_id: { value: parts.agentId },
    resources: parts.resources,
    command: parts.command,
    labels: {
      labels: [
        { key: ALIAS_LABEL, value: parts.alias },
        ...(parts.fingerprint === undefined ? [] : [{ key: FINGERPRINT_LABEL, value: parts.fingerprint }]),
      ],
    },
  };
  if (parts.healthCheck !== undefined) task.health_check = parts.healthCheck;
  return task;
}
