/**
 * The steps of `alluxio-mesos logs`, for the command to call in order: pick the framework, load
 * its tasks, choose one, open its sandbox on its agent, print tails, follow, list, bundle.
 * Everything that talks to Mesos goes through the injected master client and agent transports.
 *
 * Exit codes of the errors raised on the way (all AlluxioMesosError):
 * - 4: no task matches; a named file missing from the sandbox;
 * - 1: only completed tasks match (hint: --completed); agent gone; sandbox
 *   garbage collected; an agent answering garbage;
 * - 2: several tasks match (listed); empty task name; a pattern matching every task; `--lines`
 *   not a number; a file name with `..` or an absolute one; a directory named as a file;
 * - 3: the master or an agent cannot be reached;
 * - 130: Ctrl-C (follow() returns 'cancelled' on the abort signal; the command maps it).
 */
import type { Writable } from 'node:stream';
import { NotFoundError, OperationError, UsageError } from '../shared/errors.js';
import type { AgentRecord } from '../mesos/client/agents.js';
import type { HttpTransport } from '../mesos/client/http.js';
import type { MesosMasterClient } from '../mesos/client/master-client.js';
import { MesosHttpError, parseJsonBody } from '../mesos/client/responses.js';
import { STATE_ANSWER_BYTES } from '../mesos/client/answer-limits.js';
import type { Clock } from '../shared/clock.js';
import type { TaskRecord } from '../mesos/client/tasks.js';
import { requestedNames, selectFiles, listRecursive, type FileFlags, type SelectedFile } from './file-selection.js';
import { AgentFilesClient, SandboxFileMissingError } from './files-client.js';
import { follow, type FollowEnd, type FollowEvent, type FollowSource } from './follow.js';
import type { ListedFile, LogWriter } from './render.js';
import { agentBaseUrl, agentGoneError, browseSandbox, locateSandbox, type SandboxLocation } from './sandbox.js';
import { tailLines } from './tail.js';
import { assignAliases, isTerminalState, type TaskCandidate } from './task-match.js';
import { streamWholeFile, streamWholeFileBytes } from './whole-file.js';
import type { RelaunchFollow } from './relaunch-follow.js';
import { printable } from '../shared/printable.js';

export const DEFAULT_LINES = 50;

/** `--lines N`: a whole number of lines, 0 allowed; `all` is the whole file (Infinity). */
export function parseLinesFlag(value: string): number {
  const text = value.trim();
  if (text === 'all') return Number.POSITIVE_INFINITY;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--lines must be a whole number of lines, not "${value}"`, {
      hint: 'e.g. --lines 200, or --lines all for the whole file',
    });
  }
  return Number(text);
}

/** The framework's tasks (completed ones too) with their agent host, start time and alias. */
function taskCandidates(tasks: readonly TaskRecord[], agents: readonly AgentRecord[], frameworkId: string): TaskCandidate[] {
  const hosts = new Map(agents.map((agent) => [agent.agentId, agent.hostname]));
  return assignAliases(
    tasks
      .filter((task) => task.frameworkId === frameworkId)
      .map((task) => ({
        taskId: task.taskId,
        name: task.name,
        state: task.state,
        frameworkId: task.frameworkId,
        agentId: task.agentId,
        executorId: task.executorId,
        agentHost: hosts.get(task.agentId),
        startedAt: task.statuses.map((status) => status.timestamp).find((timestamp) => timestamp !== undefined),
      })),
  );
}

export interface EngineDeps {
  master: MesosMasterClient;
  /** A transport to an agent, with the master's credentials, TLS settings and timeout. */
  agentTransport: (baseUrl: string) => HttpTransport;
  signal?: AbortSignal;
}

export async function loadCandidates(
  deps: EngineDeps,
  frameworkId: string,
): Promise<{ candidates: TaskCandidate[]; agents: AgentRecord[] }> {
  const options = { signal: deps.signal };
  const [tasks, agents] = await Promise.all([deps.master.getTasks(options), deps.master.getAgents(options)]);
  return { candidates: taskCandidates(tasks, agents, frameworkId), agents };
}

export interface OpenedSandbox {
  task: TaskCandidate;
  /** `worker-3`, else the task id: the header label. */
  label: string;
  files: AgentFilesClient;
  location: SandboxLocation;
}

/** Finds the agent and the sandbox path of `task`; fails clearly when the agent or sandbox is gone. */
export async function openSandbox(deps: EngineDeps, task: TaskCandidate, agents: readonly AgentRecord[]): Promise<OpenedSandbox> {
  const agent = agents.find((candidate) => candidate.agentId === task.agentId);
  if (agent === undefined) throw agentGoneError(task);
  const { version } = await deps.master.getVersion({ signal: deps.signal });
  const scheme = deps.master.baseUrl.startsWith('https:') ? 'https' : 'http';
  const transport = deps.agentTransport(agentBaseUrl(agent, scheme));
  const location = await locateSandbox({
    task,
    agent,
    masterVersion: version,
    agentState: async (endpoints) => {
      const response = await transport.request({
        method: 'GET',
        path: endpoints.state,
        headers: { Accept: 'application/json' },
        signal: deps.signal,
        maxBodyBytes: STATE_ANSWER_BYTES,
      });
      if (response.status !== 200) throw new MesosHttpError(response);
      return parseJsonBody(response);
    },
  });
  const files = new AgentFilesClient({ transport, endpoints: location.endpoints, label: `${agent.hostname}:${agent.port}` });
  await browseSandbox(files, location, task);
  return { task, label: task.alias ?? task.taskId, files, location };
}

/**
 * Opens several sandboxes (`--bundle --all-tasks`, or `--follow` of several tasks): one agent gone
 * or one sandbox collected is reported in `failures` without stopping the others.
 */
export async function openSandboxes(
  deps: EngineDeps,
  tasks: readonly TaskCandidate[],
  agents: readonly AgentRecord[],
): Promise<{ opened: OpenedSandbox[]; failures: Array<{ task: TaskCandidate; error: unknown }> }> {
  const results = await Promise.allSettled(tasks.map((task) => openSandbox(deps, task, agents)));
  const opened: OpenedSandbox[] = [];
  const failures: Array<{ task: TaskCandidate; error: unknown }> = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') opened.push(result.value);
    else failures.push({ task: tasks[i]!, error: result.reason });
  });
  return { opened, failures };
}

export interface TailPrintOptions {
  lines: number;
  writer: LogWriter;
  /** Keep an unfinished last line back for the follow that comes next. */
  forFollow?: boolean;
  signal?: AbortSignal;
}

/** Some sections could not be read (the others were printed): never an exit 0. */
export class SectionsUnreadableError extends OperationError {}

/**
 * Prints the last lines of the chosen files of each sandbox; returns where a follow continues. A
 * file that cannot be read does not stop the others; once they are printed, the failure is thrown
 * (the only one as it is, several as one SectionsUnreadableError naming each).
 */
export async function printTails(opened: readonly OpenedSandbox[], flags: FileFlags, options: TailPrintOptions): Promise<FollowSource[]> {
  const sources: FollowSource[] = [];
  const failures: Array<{ section: string; error: unknown }> = [];
  for (const sandbox of opened) {
    const selected = await selectFiles(sandbox.files, sandbox.location.path, flags, options.signal);
    for (const file of selected) {
      try {
        sources.push(await printTail(sandbox, file, options));
      } catch (error) {
        if (options.signal?.aborted === true) throw error;
        failures.push({ section: `${sandbox.label}:${file.name}`, error: sectionError(sandbox, file, flags, error) });
      }
    }
  }
  if (failures.length === 1) throw failures[0]!.error;
  if (failures.length > 1) {
    const what = failures.map(({ section, error }) => `${section} (${error instanceof Error ? error.message : String(error)})`);
    throw new SectionsUnreadableError(`${failures.length} files could not be read: ${what.join('; ')}`, {
      hint: 'the other files were printed; run with --list to see the sandbox',
    });
  }
  return sources;
}

function sectionError(sandbox: OpenedSandbox, file: SelectedFile, flags: FileFlags, error: unknown): unknown {
  // The sandbox was just browsed, so a file named on the command line is simply not there:
  // say so rather than suggest the sandbox was garbage collected.
  if (error instanceof SandboxFileMissingError && requestedNames(flags) !== undefined) {
    return new NotFoundError(`${sandbox.label} has no file ${file.name} in its sandbox (${sandbox.files.label})`, {
      hint: 'run with --list to see its files',
    });
  }
  return error;
}

async function printTail(sandbox: OpenedSandbox, file: SelectedFile, options: TailPrintOptions): Promise<FollowSource> {
  if (options.lines === Number.POSITIVE_INFINITY) {
    // The whole file: one streamed download beats 64 KiB JSON reads by far.
    const writer = options.writer;
    const readOptions = { holdPartialLine: options.forFollow, signal: options.signal };
    writer.write(sandbox.label, file.name, []);
    const whole =
      writer.writeBytes === undefined
        ? await streamWholeFile(
            sandbox.files,
            file.path,
            (lines) => {
              writer.write(sandbox.label, file.name, lines);
              return writer.drained?.();
            },
            readOptions,
          )
        : await streamWholeFileBytes(sandbox.files, file.path, (bytes) => writer.writeBytes!(sandbox.label, file.name, bytes), readOptions);
    return { task: sandbox.label, file: file.name, files: sandbox.files, path: file.path, offset: whole.end };
  }
  const tail = await tailLines(sandbox.files, file.path, options.lines, { holdPartialLine: options.forFollow, signal: options.signal });
  if (tail.size === 0 && (file.listedSize ?? 0) > 0) {
    // The listing saw bytes that reading does not find: printing an empty section would hide them.
    throw new OperationError(
      `agent ${sandbox.files.label} listed ${sandbox.label}:${file.name} with ${file.listedSize} bytes but reads it as empty`,
      { hint: 'it may have been truncated or rotated meanwhile; run the command again' },
    );
  }
  options.writer.write(sandbox.label, file.name, tail.lines);
  return {
    task: sandbox.label,
    file: file.name,
    files: sandbox.files,
    path: file.path,
    offset: options.forFollow === true ? tail.end : tail.size,
  };
}

export interface FollowRunOptions {
  writer: LogWriter;
  /** Notices (truncation, failing agents) go here: stderr. */
  notices: Writable;
  clock: Clock;
  signal?: AbortSignal;
  /** `--until-exit`: stop once the task is terminal (with `relaunch`: for good) and the files are idle. */
  untilExit?: { deps: EngineDeps; taskIds: readonly string[]; idleMs?: number };
  /** Pick up files created later (the default selection grows when `logs/` gets a new file). */
  rediscover?: { opened: readonly OpenedSandbox[]; flags: FileFlags };
  /** Following one alias: a relaunch is followed into the new run (needs `rediscover`). */
  relaunch?: { follow: RelaunchFollow; deps: EngineDeps };
}

function followNotice(event: FollowEvent): string | undefined {
  const where = `${event.source.task}:${event.source.file}`;
  switch (event.type) {
    case 'truncated':
      return `${where} was truncated or rotated (${event.size} bytes, was ${event.cursor}); reading it again from the start`;
    case 'failed': {
      const reason = event.error instanceof Error ? event.error.message : String(event.error);
      return `cannot read ${where} from agent ${event.source.files.label}: ${reason}; still trying`;
    }
    case 'recovered':
      return `agent ${event.source.files.label} answers again for ${where}`;
    case 'added':
      return `following ${where}, which appeared meanwhile`;
    case 'lines':
      return undefined;
  }
}

export async function followSources(sources: readonly FollowSource[], options: FollowRunOptions): Promise<FollowEnd> {
  const until = options.untilExit;
  const rediscover = options.rediscover === undefined ? undefined : { ...options.rediscover, opened: [...options.rediscover.opened] };
  const relaunch = options.relaunch;
  return follow(sources, {
    clock: options.clock,
    signal: options.signal,
    discover:
      rediscover === undefined
        ? undefined
        : async () => {
            const found: FollowSource[] = [];
            const next = await relaunch?.follow.nextRun().catch(() => undefined);
            const sandbox =
              relaunch !== undefined && next !== undefined
                ? await openSandbox(relaunch.deps, next.task, next.agents).catch(() => undefined)
                : undefined;
            if (relaunch !== undefined && next !== undefined && sandbox !== undefined) {
              // Its files are picked up below, from their start, like any file that appeared.
              relaunch.follow.adopt(next.task.taskId);
              rediscover.opened.push(sandbox);
              options.notices.write(
                `alluxio-mesos: ${printable(`${sandbox.label} was relaunched as ${next.task.taskId} on ${next.task.agentHost ?? next.task.agentId}`)}: following the new run\n`,
              );
            }
            for (const sandbox of rediscover.opened) {
              try {
                for (const file of await selectFiles(sandbox.files, sandbox.location.path, rediscover.flags, options.signal)) {
                  found.push({ task: sandbox.label, file: file.name, files: sandbox.files, path: file.path, offset: 0 });
                }
              } catch {
                // This agent is checked again next round.
              }
            }
            return found;
          },
    onEvent: (event) => {
      if (event.type === 'lines') options.writer.write(event.source.task, event.source.file, event.lines);
      else options.notices.write(`alluxio-mesos: ${followNotice(event)!}\n`);
    },
    untilExit:
      until === undefined
        ? undefined
        : {
            idleMs: until.idleMs,
            isTerminal: async () => {
              if (relaunch !== undefined) return relaunch.follow.endedForGood();
              const tasks = await until.deps.master.getTasks({ signal: options.signal });
              return until.taskIds.every((id) => {
                const task = tasks.find((candidate) => candidate.taskId === id);
                return task === undefined || isTerminalState(task.state);
              });
            },
          },
  });
}

/** `--list`: every entry of the sandbox, recursively. */
export async function listSandbox(sandbox: OpenedSandbox, signal?: AbortSignal): Promise<ListedFile[]> {
  return listRecursive(sandbox.files, sandbox.location.path, '', signal);
}
