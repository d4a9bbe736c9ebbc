/**
 * What to do with a live task of this framework that the ledger does not know: one a ledger restored
 * from its `.bak` has not heard of, the earlier launch of a relaunched alias coming back, a launch
 * whose ledger write was lost. Reconciliation finds them (see the reducer's subscription handling);
 * this pure rule decides, from the task's name and the ledger, whether to adopt it into its alias or
 * kill it.
 *
 * Adopted only when that can double nothing: its alias holds no live task and was not killed for
 * good, and a new alias stays within the wanted counts (masters; `--max-workers`), and it shares its
 * agent with no live task of its role (one worker per agent; masters on distinct agents). Anything
 * else is killed: a task that would be a second one in its alias or beyond the counts is the very
 * thing the ledger exists to prevent.
 */
import type { TaskStatus } from '../../mesos/protocol/types.js';
import { isGone, newLedgerTask, type Ledger, type LedgerTask, type SlotRole } from '../../state/ledger.js';
import { aliasOfTaskId } from '../../state/task-names.js';
import type { SchedulerConfig } from './config.js';

export type UnknownTaskVerdict =
  | {
      readonly kind: 'adopt';
      readonly alias: string;
      readonly role: SlotRole;
      /** The ledger's (dead) record of the alias to take over; undefined: a new record. */
      readonly slot: LedgerTask | undefined;
    }
  | { readonly kind: 'kill'; readonly why: string };

export function judgeUnknownTask(
  config: Pick<SchedulerConfig, 'taskIdPrefix' | 'master' | 'worker'>,
  tasks: readonly LedgerTask[],
  taskId: string,
  agentId: string | undefined,
): UnknownTaskVerdict {
  const alias = aliasOfTaskId(taskId, config.taskIdPrefix);
  if (alias === undefined) return { kind: 'kill', why: 'its id names no alias of this deployment' };
  const role: SlotRole = alias.startsWith('master-') ? 'master' : 'worker';

  const slot = tasks.find((task) => task.alias === alias);
  if (slot !== undefined && !isGone(slot.state)) return { kind: 'kill', why: `${alias} already runs as ${slot.taskId}` };
  if (slot?.killRequested?.relaunch === false) return { kind: 'kill', why: `${alias} was stopped for good` };

  const sameAgent = tasks.find((task) => task.role === role && task.agentId === agentId && !isGone(task.state));
  if (sameAgent !== undefined) {
    return {
      kind: 'kill',
      why: `its agent already runs ${sameAgent.alias} (${role === 'worker' ? 'one worker per agent' : 'masters on distinct agents'})`,
    };
  }
  if (slot === undefined) {
    // Every record of the role may be (re)launched, so a new one counts against the limit like them.
    const limit = role === 'master' ? config.master.count : config.worker.max;
    const records = tasks.filter((task) => task.role === role).length;
    if (limit !== undefined && records >= limit) {
      return { kind: 'kill', why: `${limit} ${role}(s) wanted and the ledger already has ${records}` };
    }
  }
  return { kind: 'adopt', alias, role, slot };
}

/**
 * Records an adopted task in the ledger: into the alias's dead record (its relaunch and any kill
 * cancelled; failures kept for the crash-loop count) or a new one, numbering later aliases after it.
 */
export function adoptIntoLedger(
  ledger: Ledger,
  verdict: Extract<UnknownTaskVerdict, { kind: 'adopt' }>,
  found: {
    readonly taskId: string;
    readonly agentId: string;
    /** Empty when no offer has named the agent's host yet. */
    readonly hostname: string;
    readonly ports: readonly number[];
    readonly status: TaskStatus;
    readonly now: number;
  },
): LedgerTask {
  let task = verdict.slot;
  if (task === undefined) {
    task = newLedgerTask({
      alias: verdict.alias,
      role: verdict.role,
      taskId: found.taskId,
      agentId: found.agentId,
      hostname: found.hostname,
      state: found.status.state,
      launchedAt: found.now,
    });
    ledger.tasks.push(task);
    const number = Number(verdict.alias.slice(verdict.role.length + 1));
    ledger.nextAlias[verdict.role] = Math.max(ledger.nextAlias[verdict.role], number + 1);
  }
  task.taskId = found.taskId;
  task.agentId = found.agentId;
  task.hostname = found.hostname;
  task.ports = [...found.ports];
  task.state = found.status.state;
  task.healthy = found.status.state === 'TASK_RUNNING' ? found.status.healthy : undefined;
  // The launch timeout counts from here: an adopted task still STAGING gets the usual time.
  task.launchedAt = found.now;
  task.relaunchAt = undefined;
  task.killRequested = undefined;
  return task;
}
