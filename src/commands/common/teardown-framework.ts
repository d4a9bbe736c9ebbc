/**
 * `teardown` (and `deploy --teardown`): removes the framework and every task it runs with the
 * scheduler TEARDOWN call, after the user types the framework's name (or `--yes`), then checks with
 * Mesos that the tasks are gone (for up to `--timeout`) and clears the saved ledger. A framework
 * Mesos no longer knows is reported and the local state still cleaned. Tasks that may still run
 * (on an agent not registered with the master, which Mesos cannot reach) are named, with exit 1.
 */
import type { CommandContext } from '../../context/context.js';
import { openMaster, type ConnectionFlags } from '../../context/connection.js';
import type { LoadedSite } from '../../context/site.js';
import * as calls from '../../mesos/protocol/calls.js';
import { HttpSchedulerClient } from '../../mesos/client/scheduler-client.js';
import type { FrameworkRecord } from '../../mesos/client/frameworks.js';
import { ExitCode, NotFoundError, OperationError, UsageError } from '../../shared/errors.js';
import { canPrompt } from '../../ui/io.js';
import { inquirerPrompter } from '../../ui/prompts.js';
import { frameworkUser } from '../../framework/scheduler/config.js';
import { buildFrameworkInfo } from '../../framework/scheduler/framework-info.js';
import { openDeploymentState } from '../../context/deployment-state.js';
import type { DeploymentState } from '../../state/deployment-state.js';
import { stopLocalSchedulers } from './stop-schedulers.js';
import { openLegacyScheduler } from './legacy-scheduler.js';
import { chooseSchedulerTransport } from '../../framework/deploy/preflight.js';
import { libprocessAddresses } from '../../mesos/client/libprocess-address.js';
import { systemClock } from '../../shared/clock.js';
import type { MesosMasterClient } from '../../mesos/client/master-client.js';
import type { LedgerTask } from '../../state/ledger.js';
import { describeTasksThatMayStillRun, hintForTasksThatMayStillRun, verifyTasksGone, type TaskThatMayStillRun } from './teardown-verify.js';
import { printable } from '../../shared/printable.js';
import { resolveFrameworkId } from '../../state/framework-id.js';

export type TeardownFlags = ConnectionFlags & { frameworkId?: string; frameworkName?: string };

interface TeardownResult {
  frameworkId: string | null;
  name: string | null;
  tornDown: boolean;
  knownToMesos: boolean;
  ledgerCleared: boolean;
  /** The active scheduler (`deploy`, `deploy --detach`) stopped on this host, if any. */
  stoppedScheduler: number | null;
  /** Standbys (`deploy --standby`) stopped on this host. */
  stoppedStandbys: number[];
  /** Mesos was asked afterwards and lists no task of the framework that may still run. */
  tasksGone: boolean;
  /** Tasks that may still run, and why (e.g. their agent is not registered with the master). */
  tasksMayStillRun: TaskThatMayStillRun[];
}

export async function teardownFramework(
  ctx: CommandContext,
  flags: TeardownFlags,
  site: LoadedSite,
  options: { yes: boolean },
): Promise<number> {
  const state = openDeploymentState(ctx.globals, site);
  try {
    return await teardownWith(ctx, flags, site, options, state);
  } finally {
    await state.close();
  }
}

async function teardownWith(
  ctx: CommandContext,
  flags: TeardownFlags,
  site: LoadedSite,
  options: { yes: boolean },
  state: DeploymentState,
): Promise<number> {
  const { io, globals } = ctx;
  const ledgerFile = state.location;
  const ledger = await state.readLedger();
  // --framework-name is looked up on the master below; otherwise the id typed or saved.
  const byName = flags.frameworkId === undefined ? flags.frameworkName : undefined;
  const givenId = flags.frameworkId ?? (byName === undefined ? ledger?.frameworkId : undefined);
  if (givenId === undefined && byName === undefined) {
    throw new NotFoundError(`no framework to tear down: ${ledgerFile} records none`, {
      hint: 'pass --framework-id <id> or --framework-name <name> to tear down another framework',
    });
  }
  const stopSchedulers = async (): Promise<void> => {
    const stopped = await stopLocalSchedulers(state, globals.confDir);
    result.stoppedScheduler = stopped.leader;
    result.stoppedStandbys = stopped.standbys;
  };

  const connection = await openMaster(ctx, flags, site);
  const frameworkId =
    givenId ?? resolveFrameworkId(await connection.client.getFrameworks(), { frameworkName: byName, purpose: 'tear down' });
  const result: TeardownResult = {
    frameworkId,
    name: null,
    tornDown: false,
    knownToMesos: false,
    ledgerCleared: false,
    stoppedScheduler: null,
    stoppedStandbys: [],
    tasksGone: false,
    tasksMayStillRun: [],
  };
  // The ledger names the tasks Mesos may no longer list (their agent is gone from the master).
  const ledgerTasks = ledger?.frameworkId === frameworkId ? ledger.tasks : [];
  try {
    const frameworks = await connection.client.getFrameworks();
    const framework = frameworks.find((candidate) => candidate.frameworkId === frameworkId && !candidate.completed);
    // An id typed with --framework-id, neither saved here nor ever known to this master, is a typo, not a framework already gone.
    const typedId = givenId !== undefined && flags.frameworkId !== undefined && flags.frameworkId !== ledger?.frameworkId;
    if (typedId && !frameworks.some((candidate) => candidate.frameworkId === frameworkId)) {
      throw new NotFoundError(`Mesos does not know framework ${printable(frameworkId)}: nothing was torn down`, {
        hint: 'check the id: the Mesos web UI lists the frameworks (`alluxio-mesos status` shows the one of this configuration)',
      });
    }
    result.knownToMesos = framework !== undefined;
    result.name = framework?.name ?? null;
    if (framework !== undefined) {
      if (!options.yes && !globals.yes) await confirmByName(ctx, framework.name, frameworkId);
      // A scheduler still running (or a standby) would register the framework again: stop them first.
      await stopSchedulers();
      await sendTeardown(connection.client, framework, site, ctx);
      result.tornDown = true;
    }
    result.tasksMayStillRun = await checkTasksGone(connection.client, frameworkId, ledgerTasks, result.tornDown ? globals.timeoutMs : 0);
    result.tasksGone = result.tasksMayStillRun.length === 0;
  } finally {
    connection.close();
  }
  if (flags.frameworkId === undefined || flags.frameworkId === ledger?.frameworkId) {
    // A scheduler of a framework Mesos has forgotten is local state too (and its pid file).
    if (!result.knownToMesos) await stopSchedulers();
    await state.clear();
    result.ledgerCleared = true;
  }
  const cleared = result.ledgerCleared ? ` Cleared ${ledgerFile}.` : '';
  if (globals.json) {
    io.stdout.write(`${JSON.stringify(result)}\n`);
  } else if (result.tornDown) {
    const tasks = result.tasksGone ? 'Mesos reports every task of it ended' : 'Mesos could not end every task of it (below)';
    io.stdout.write(`${printable(`Tore down framework ${result.name} (${frameworkId}): ${tasks}.${cleared}`)}\n`);
  } else {
    io.stdout.write(
      `${printable(`Mesos no longer knows framework ${frameworkId} (already torn down, or its failover timeout expired).${cleared}`)}\n`,
    );
  }
  if (!result.tasksGone) {
    const left = result.tasksMayStillRun;
    const error = new OperationError(describeTasksThatMayStillRun(left), { hint: hintForTasksThatMayStillRun(left) });
    // With --json the result above is the document on stdout; the error still gets its line on stderr.
    if (globals.json) {
      io.stderr.write(`error: ${printable(`${error.message}; ${error.hint}`, { keepNewlines: true })}\n`);
      return ExitCode.FAILED;
    }
    throw error;
  }
  return ExitCode.OK;
}

/** Waits (up to `timeoutMs`) for Mesos to end the framework's tasks; answers those that may still run. */
async function checkTasksGone(
  client: MesosMasterClient,
  frameworkId: string,
  ledgerTasks: readonly LedgerTask[],
  timeoutMs: number,
): Promise<TaskThatMayStillRun[]> {
  return verifyTasksGone({
    look: async () => {
      const [tasks, agents] = await Promise.all([client.getTasks(), client.getAgents()]);
      return { tasks, agents };
    },
    frameworkId,
    ledgerTasks,
    timeoutMs,
    now: () => systemClock.now(),
    sleep: (ms) => systemClock.sleep(ms),
  });
}

async function confirmByName(ctx: CommandContext, name: string, frameworkId: string): Promise<void> {
  if (!canPrompt(ctx.io, ctx.globals.yes)) {
    throw new UsageError(`tearing down ${name} (${frameworkId}) kills every Alluxio task it runs`, {
      hint: 'pass --yes to confirm without a prompt',
    });
  }
  const prompter = await inquirerPrompter(ctx.io, ctx.termination.signal);
  const typed = await prompter.input({
    message: `This kills every Alluxio master and worker of ${frameworkId}. Type the framework name (${name}) to confirm`,
  });
  if (typed.trim() !== name) throw new UsageError(`"${typed.trim()}" is not the framework name; nothing was torn down`);
}

/** TEARDOWN needs a stream id, so subscribe as the framework (a failover), then tear it down. */
async function sendTeardown(master: MesosMasterClient, framework: FrameworkRecord, site: LoadedSite, ctx: CommandContext): Promise<void> {
  // Before 0.28 there is no v1 scheduler API with stream ids: the scheduler driver's protocol instead.
  const { transport, version } = await chooseSchedulerTransport(master, 'auto', ctx.termination.signal);
  const legacy =
    transport === 'legacy'
      ? await openLegacyScheduler(master, libprocessAddresses(undefined, undefined, ctx.io.env), version, ctx.globals.timeoutMs)
      : undefined;
  try {
    await teardownAs(legacy ?? new HttpSchedulerClient(master.transport, 'application/json'), framework, site);
  } finally {
    await legacy?.close();
  }
}

async function teardownAs(
  scheduler: Pick<HttpSchedulerClient, 'subscribe' | 'call'>,
  framework: FrameworkRecord,
  site: LoadedSite,
): Promise<void> {
  const { frameworkId } = framework;
  // Mesos refuses a failover that changes the principal (or user): present the framework as registered.
  const info = buildFrameworkInfo({
    user: framework.user ?? frameworkUser(site.config),
    name: framework.name,
    role: framework.roles[0] ?? site.config.mesos.role,
    frameworkId,
    ...(framework.principal === undefined ? {} : { principal: framework.principal }),
    ...(framework.failoverTimeoutSeconds === undefined ? {} : { failoverTimeoutSeconds: framework.failoverTimeoutSeconds }),
  });
  const subscription = await scheduler.subscribe(calls.subscribe(info, { value: frameworkId }));
  try {
    const events = subscription.events[Symbol.asyncIterator]();
    for (;;) {
      const next = await events.next();
      if (next.done === true)
        throw new OperationError(`the master closed the stream before confirming framework ${frameworkId}`, { retriable: true });
      if (next.value.type === 'ERROR')
        throw new OperationError(`Mesos refused to let us act as ${frameworkId}: ${next.value.error?.message ?? 'no reason'}`);
      if (next.value.type === 'SUBSCRIBED') break;
    }
    await scheduler.call(calls.withFrameworkId(calls.teardown(), { value: frameworkId }), subscription.streamId);
  } finally {
    subscription.close();
  }
}
