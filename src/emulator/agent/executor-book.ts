/**
 * The agent's record of frameworks and their executors (one command executor per task): which run,
 * which completed, what they hold, and how they look in `/state`.
 *
 * An executor completes when its task's terminal update is acknowledged (or its framework was shut
 * down); a framework without running executors moves to the completed frameworks. Completed entries
 * are kept until the agent stops.
 */
import type { FrameworkInfo, Resource, TaskInfo, TaskState, TaskStatus } from '../../mesos/protocol/types.js';
import { TERMINAL_TASK_STATES } from '../../mesos/protocol/types.js';
import { addResources } from '../../mesos/resources/resources-flag.js';
import { taskRole, type ExecutorView, type FrameworkView } from './state-json.js';

/** What runs one task: the command executor, or a task of a custom executor (custom-executor.ts). */
export interface TaskRunner {
  readonly state: TaskState;
  readonly latestStatus: TaskStatus | undefined;
  /** Every update sent, in order (the `statuses` of `/state`). */
  readonly statuses: readonly TaskStatus[];
  /** The task reached its terminal state. */
  readonly terminated: boolean;
  kill(gracePeriodMs?: number): void;
  /** The host died: everything is SIGKILLed, nothing reported. */
  crash(): void;
  whenExited(): Promise<void>;
}

/**
 * One task and what runs it, keyed by task id. A command task's executor id is its task id; the
 * tasks of one custom executor share `executorId` (and its container and sandbox).
 */
export interface ExecutorEntry {
  /** The task id. */
  readonly id: string;
  /** Set for the tasks of a custom executor. */
  readonly executorId?: string;
  readonly frameworkId: string;
  readonly containerId: string;
  readonly directory: string;
  readonly name: string;
  readonly task: TaskInfo;
  /** What the command executor itself holds (Mesos: cpus 0.1, mem 32); none for a custom executor's task. */
  readonly allowance: Resource[];
  readonly runner: TaskRunner;
}

export interface FrameworkEntry {
  readonly id: string;
  info: FrameworkInfo;
  readonly executors: Map<string, ExecutorEntry>;
  readonly completedExecutors: ExecutorEntry[];
  /** Set by shutdown-framework: terminal updates are sent once, not retried until acknowledged. */
  shuttingDown: boolean;
}

export class ExecutorBook {
  private readonly frameworks = new Map<string, FrameworkEntry>();
  private readonly completedFrameworks = new Map<string, FrameworkEntry>();

  /** The framework's entry, created (or brought back from the completed ones) when needed. */
  activate(frameworkId: string, info: FrameworkInfo): FrameworkEntry {
    let framework = this.frameworks.get(frameworkId);
    if (framework === undefined) {
      framework = this.completedFrameworks.get(frameworkId) ?? {
        id: frameworkId,
        info,
        executors: new Map(),
        completedExecutors: [],
        shuttingDown: false,
      };
      this.completedFrameworks.delete(frameworkId);
      this.frameworks.set(frameworkId, framework);
    }
    framework.info = info;
    framework.shuttingDown = false;
    return framework;
  }

  framework(frameworkId: string): FrameworkEntry | undefined {
    return this.frameworks.get(frameworkId);
  }

  find(frameworkId: string, taskId: string): ExecutorEntry | undefined {
    return this.frameworks.get(frameworkId)?.executors.get(taskId);
  }

  /** Executors not completed yet (running, or terminal but unacknowledged). */
  active(): ExecutorEntry[] {
    return [...this.frameworks.values()].flatMap((framework) => [...framework.executors.values()]);
  }

  complete(frameworkId: string, taskId: string): void {
    const framework = this.frameworks.get(frameworkId);
    const entry = framework?.executors.get(taskId);
    if (framework === undefined || entry === undefined) return;
    framework.executors.delete(taskId);
    framework.completedExecutors.push(entry);
    if (framework.executors.size === 0) {
      this.frameworks.delete(frameworkId);
      this.completedFrameworks.set(frameworkId, framework);
    }
  }

  /** Everything live executors hold: their allowance plus their task's resources. */
  allocated(): Resource[] {
    return this.active()
      .filter((entry) => !TERMINAL_TASK_STATES.has(entry.runner.state))
      .reduce<Resource[]>((sum, entry) => addResources(sum, addResources(entry.allowance, entry.task.resources)), []);
  }

  views(agentId: string): { frameworks: FrameworkView[]; completedFrameworks: FrameworkView[] } {
    const view = (framework: FrameworkEntry): FrameworkView => ({
      id: framework.id,
      info: framework.info,
      executors: groupedViews([...framework.executors.values()], agentId, false),
      completedExecutors: groupedViews(framework.completedExecutors, agentId, true),
    });
    return {
      frameworks: [...this.frameworks.values()].map(view),
      completedFrameworks: [...this.completedFrameworks.values()].map(view),
    };
  }
}

/** One view per executor: a command task alone, the tasks of a custom executor together. */
function groupedViews(entries: readonly ExecutorEntry[], agentId: string, completed: boolean): ExecutorView[] {
  const views = new Map<string, ExecutorView>();
  for (const entry of entries) {
    const single = executorView(entry, agentId, completed);
    const key = entry.executorId === undefined ? `task ${entry.id}` : `${entry.executorId}\u0000${entry.containerId}`;
    const previous = views.get(key);
    views.set(
      key,
      previous === undefined
        ? single
        : {
            ...previous,
            resources: addResources(previous.resources, entry.executorId === undefined ? [] : single.resources),
            tasks: [...previous.tasks, ...single.tasks],
            completedTasks: [...previous.completedTasks, ...single.completedTasks],
          },
    );
  }
  return [...views.values()];
}

function executorView(entry: ExecutorEntry, agentId: string, completed: boolean): ExecutorView {
  const live = !completed && !TERMINAL_TASK_STATES.has(entry.runner.state);
  const task = {
    info: entry.task,
    frameworkId: entry.frameworkId,
    agentId,
    state: entry.runner.state,
    statuses: entry.runner.statuses,
  };
  return {
    id: entry.executorId ?? entry.id,
    name: entry.name,
    source: entry.executorId ?? entry.id,
    containerId: entry.containerId,
    directory: entry.directory,
    // A finished executor shows only its own allowance, as a real agent's completed_executors do.
    resources: live ? addResources(entry.allowance, entry.task.resources) : entry.allowance,
    role: taskRole(entry.task),
    tasks: completed ? [] : [task],
    completedTasks: completed ? [task] : [],
  };
}
