/**
 * `logs -f worker-2` follows the alias, not one run of it: when the run followed ends and the
 * scheduler relaunches the alias as a new task, the new run's files are followed from their start
 * (with a notice), as `kubectl logs -f` follows a restarted container.
 *
 * `--until-exit` ends only once the alias is terminal for good: the run followed has ended, no
 * newer run is live, and the alias will not be relaunched (the caller answers that from the
 * scheduler's state and the framework's presence).
 */
import type { AgentRecord } from '../mesos/client/agents.js';
import { isTerminalState, type TaskCandidate } from './task-match.js';

export interface RelaunchFollowDeps {
  alias: string;
  /** The run followed first. */
  taskId: string;
  /** The framework's tasks now, named as the command names them, with the agents. */
  reload: () => Promise<{ candidates: TaskCandidate[]; agents: AgentRecord[] }>;
  /** True when nothing will launch the alias again (retired, crash-looped, framework gone). */
  willNotRelaunch: () => Promise<boolean>;
}

export interface NextRun {
  task: TaskCandidate;
  agents: AgentRecord[];
}

export class RelaunchFollow {
  private current: string;

  constructor(private readonly deps: RelaunchFollowDeps) {
    this.current = deps.taskId;
  }

  /** The task id followed now. */
  get taskId(): string {
    return this.current;
  }

  /**
   * A newer live run of the alias, once the run followed has ended (or Mesos forgot it).
   * Undefined while the current run lives or no new run exists yet. It is followed from the
   * moment the caller adopts it (its sandbox may not be readable yet: then it is offered again).
   */
  async nextRun(): Promise<NextRun | undefined> {
    const { candidates, agents } = await this.deps.reload();
    const current = candidates.find((task) => task.taskId === this.current);
    if (current !== undefined && !isTerminalState(current.state)) return undefined;
    const next = newestLiveRun(candidates, this.deps.alias, this.current);
    return next === undefined ? undefined : { task: next, agents };
  }

  adopt(taskId: string): void {
    this.current = taskId;
  }

  /** The alias is terminal for good: the run followed ended, nothing newer lives, none will come. */
  async endedForGood(): Promise<boolean> {
    const { candidates } = await this.deps.reload();
    const current = candidates.find((task) => task.taskId === this.current);
    if (current !== undefined && !isTerminalState(current.state)) return false;
    if (newestLiveRun(candidates, this.deps.alias, this.current) !== undefined) return false;
    return this.deps.willNotRelaunch();
  }
}

function newestLiveRun(candidates: readonly TaskCandidate[], alias: string, except: string): TaskCandidate | undefined {
  return candidates
    .filter((task) => task.alias === alias && task.taskId !== except && !isTerminalState(task.state))
    .sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0))[0];
}
