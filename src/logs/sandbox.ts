/**
 * Where a task's sandbox is: which agent serves it, and under which path its files API knows it.
 *
 * From Mesos 1.5 the agent attaches every run under the virtual path
 * `/frameworks/<fw>/executors/<exec>/runs/latest`; before that the real directory has to be taken
 * from the agent's `/state` (`frameworks[].executors[].directory`, and the `completed_*` lists for
 * finished tasks). A command task's executor id is its task id.
 */
import { OperationError } from '../shared/errors.js';
import type { AgentRecord } from '../mesos/client/agents.js';
import { endpointNames, mesosFeatures, parseMesosVersion, type AgentEndpoints, type MesosVersion } from '../mesos/client/version.js';
import { SandboxFileMissingError, type SandboxEntry, type SandboxFiles } from './files-client.js';
import type { TaskCandidate } from './task-match.js';

export interface SandboxLocation {
  /** The path to hand to the files API. */
  path: string;
  /** Whether `path` is the virtual `runs/latest` one. */
  virtual: boolean;
  /** The version whose endpoint names the agent speaks. */
  agentVersion: MesosVersion;
  endpoints: AgentEndpoints;
}

/** `http://10.0.0.5:5051` from the agent's libprocess pid, else its hostname and port. */
export function agentBaseUrl(agent: Pick<AgentRecord, 'hostname' | 'port' | 'pid'>, scheme: 'http' | 'https' = 'http'): string {
  const fromPid = agent.pid === undefined ? undefined : /@([^:@]+):(\d+)$/.exec(agent.pid);
  const host = fromPid?.[1] ?? agent.hostname;
  const port = fromPid?.[2] ?? String(agent.port);
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The agent's own version when it reports one (agents may lag the master in an upgrade). */
function agentVersionOf(agent: Pick<AgentRecord, 'version'> | undefined, masterVersion: MesosVersion): MesosVersion {
  if (agent?.version === undefined) return masterVersion;
  try {
    return parseMesosVersion(agent.version);
  } catch {
    return masterVersion;
  }
}

function executorIdOf(task: Pick<TaskCandidate, 'taskId' | 'executorId'>): string {
  return task.executorId ?? task.taskId;
}

function virtualSandboxPath(frameworkId: string, executorId: string): string {
  return `/frameworks/${frameworkId}/executors/${executorId}/runs/latest`;
}

export class AgentGoneError extends OperationError {}
export class SandboxGoneError extends OperationError {}

export interface LocateOptions {
  task: TaskCandidate;
  /** The agent record from the master; undefined when the master no longer knows the agent. */
  agent: AgentRecord | undefined;
  masterVersion: MesosVersion;
  /** The agent's `/state` JSON (fetched only for agents older than 1.5). */
  agentState: (endpoints: AgentEndpoints) => Promise<unknown>;
}

export function agentGoneError(task: TaskCandidate): AgentGoneError {
  return new AgentGoneError(`the agent ${task.agentHost ?? task.agentId} that ran ${taskLabel(task)} is gone from the cluster`, {
    hint: 'its sandbox went with it; logs of tasks on other agents can still be read',
  });
}

export async function locateSandbox(options: LocateOptions): Promise<SandboxLocation> {
  const { task, agent } = options;
  const label = taskLabel(task);
  if (agent === undefined) throw agentGoneError(task);
  const agentVersion = agentVersionOf(agent, options.masterVersion);
  const endpoints = endpointNames(agentVersion).agent;
  const executorId = executorIdOf(task);
  if (mesosFeatures(agentVersion).hasVirtualLatestSandbox) {
    return { path: virtualSandboxPath(task.frameworkId, executorId), virtual: true, agentVersion, endpoints };
  }
  const state = await options.agentState(endpoints);
  const directory = findExecutorDirectory(state, task.frameworkId, executorId);
  if (directory === undefined) {
    throw new SandboxGoneError(`agent ${agent.hostname} no longer knows the executor ${executorId} of ${label}`, {
      hint: 'its sandbox has been garbage collected (agent --gc_delay)',
    });
  }
  return { path: directory, virtual: false, agentVersion, endpoints };
}

/** The executor's sandbox directory in an agent `/state`, the newest run first (running, then completed). */
export function findExecutorDirectory(state: unknown, frameworkId: string, executorId: string): string | undefined {
  const root = record(state);
  for (const frameworkList of ['frameworks', 'completed_frameworks']) {
    for (const framework of list(root?.[frameworkList])) {
      if (framework?.id !== frameworkId) continue;
      for (const executorList of ['executors', 'completed_executors']) {
        for (const executor of list(framework[executorList]).reverse()) {
          if (executor?.id === executorId && typeof executor.directory === 'string') return executor.directory;
        }
      }
    }
  }
  return undefined;
}

/** Lists the sandbox; a sandbox that is no longer there is a clear SandboxGoneError. */
export async function browseSandbox(
  files: SandboxFiles,
  location: Pick<SandboxLocation, 'path'>,
  task: TaskCandidate,
  subdirectory?: string,
): Promise<SandboxEntry[]> {
  const path = subdirectory === undefined ? location.path : `${location.path}/${subdirectory}`;
  try {
    return await files.browse(path);
  } catch (error) {
    if (error instanceof SandboxFileMissingError && subdirectory === undefined) {
      throw new SandboxGoneError(`the sandbox of ${taskLabel(task)} is gone from agent ${files.label}`, {
        hint: 'it has been garbage collected (agent --gc_delay), or the agent was restarted with a new work directory',
        cause: error,
      });
    }
    throw error;
  }
}

function taskLabel(task: Pick<TaskCandidate, 'alias' | 'taskId'>): string {
  return task.alias === undefined ? `task ${task.taskId}` : `${task.alias} (${task.taskId})`;
}

type Loose = Record<string, unknown>;

function record(value: unknown): Loose | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : undefined;
}

function list(value: unknown): Loose[] {
  return Array.isArray(value) ? value.map(record).filter((item): item is Loose => item !== undefined) : [];
}
