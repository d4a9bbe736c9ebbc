/**
 * `alluxio-mesos logs <task>`: finds the task among the framework's tasks, then prints the tail of
 * its sandbox files, follows them, lists the sandbox, or bundles everything into a tar.gz.
 */
import { exitCodeFor } from '../../context/termination.js';
import { existsSync } from 'node:fs';
import type { CommandContext } from '../../context/context.js';
import { openMaster, type ConnectionFlags } from '../../context/connection.js';
import { resolveCredentials } from '../../context/credentials.js';
import { loadSite } from '../../context/site.js';
import { frameworkLogPath } from '../../state/files.js';
import { openDeploymentState } from '../../context/deployment-state.js';
import { aliasOfTaskId } from '../../state/task-names.js';
import { agentTransports } from '../common/agent-transports.js';
import { systemClock } from '../../shared/clock.js';
import { ExitCode, UsageError } from '../../shared/errors.js';
import { chooseTask } from '../../logs/choose-task.js';
import { checkBundleOutput, writeBundle, progressLine } from '../../logs/bundle.js';
import {
  DEFAULT_LINES,
  followSources,
  listSandbox,
  loadCandidates,
  openSandboxes,
  parseLinesFlag,
  printTails,
  type EngineDeps,
} from '../../logs/engine.js';
import { resolveFrameworkId } from '../../state/framework-id.js';
import { formatListing, NdjsonLogWriter, TextLogWriter } from '../../logs/render.js';
import { isTerminalState, type TaskCandidate } from '../../logs/task-match.js';
import { printable } from '../../shared/printable.js';
import { RelaunchFollow } from '../../logs/relaunch-follow.js';
import type { AgentRecord } from '../../mesos/client/agents.js';
import type { MesosMasterClient } from '../../mesos/client/master-client.js';
import type { LoadedSite } from '../../context/site.js';

export interface LogsFlags extends ConnectionFlags {
  file?: string[];
  stdout?: boolean;
  stderr?: boolean;
  lines?: string;
  follow?: boolean;
  untilExit?: boolean;
  list?: boolean;
  bundle?: string;
  force?: boolean;
  allTasks?: boolean;
  completed?: boolean;
  previous?: boolean;
  run?: string;
  allMatches?: boolean;
  frameworkId?: string;
  frameworkName?: string;
}

export async function runLogs(ctx: CommandContext, task: string | undefined, flags: LogsFlags): Promise<number> {
  const { io, globals } = ctx;
  const lines = flags.lines === undefined ? DEFAULT_LINES : parseLinesFlag(flags.lines);
  if (task === undefined && flags.allTasks !== true)
    throw new UsageError('which task? give an alias (master-1, worker-3), a task id or a unique part of one', {
      hint: 'or --all-tasks with --bundle',
    });
  if (flags.allTasks === true && flags.bundle === undefined)
    throw new UsageError('--all-tasks works with --bundle', { hint: 'e.g. alluxio-mesos logs --all-tasks --bundle logs.tar.gz' });
  if (flags.untilExit === true && flags.follow !== true)
    throw new UsageError('--until-exit works with --follow', {
      hint: `e.g. alluxio-mesos logs ${task ?? 'worker-1'} --follow --until-exit`,
    });
  const runNumber = parseRunFlag(flags);
  if ((flags.previous === true || runNumber !== undefined) && flags.allTasks === true)
    throw new UsageError('--previous and --run choose one run of one alias; --all-tasks takes every task', { hint: 'give one of them' });
  if (flags.force === true && flags.bundle === undefined)
    throw new UsageError('--force works with --bundle', { hint: 'e.g. alluxio-mesos logs --all-tasks --bundle logs.tar.gz --force' });
  if (flags.bundle !== undefined) await checkBundleOutput(flags.bundle, { force: flags.force === true });
  const site = await loadSite(globals.confDir);
  const state = openDeploymentState(globals, site);
  const ledger = await state.readLedger().finally(() => state.close());
  const credentials = await resolveCredentials(ctx, flags, site);
  const connection = await openMaster(ctx, flags, site, { credentials });
  const { signal } = ctx.termination;
  const transports = agentTransports(globals, flags, credentials);
  const deps: EngineDeps = { master: connection.client, agentTransport: (baseUrl) => transports.open(baseUrl), signal };
  try {
    const frameworks = flags.frameworkName === undefined ? [] : await connection.client.getFrameworks();
    const frameworkId = resolveFrameworkId(frameworks, {
      frameworkId: flags.frameworkId,
      frameworkName: flags.frameworkName,
      savedFrameworkId: ledger?.frameworkId,
    });
    const loadNamed = async (): Promise<{ candidates: TaskCandidate[]; agents: AgentRecord[] }> => {
      const loaded = await loadCandidates(deps, frameworkId);
      // The scheduler's own aliases (in the task ids) beat guessed ones.
      return {
        candidates: loaded.candidates.map((candidate) => ({ ...candidate, alias: aliasOfTaskId(candidate.taskId) ?? candidate.alias })),
        agents: loaded.agents,
      };
    };
    const { candidates: named, agents } = await loadNamed();
    const chosen =
      flags.allTasks === true
        ? named.filter((candidate) => flags.completed === true || !isTerminalState(candidate.state))
        : [
            chooseTask(task ?? '', named, {
              includeCompleted: flags.completed === true,
              allMatches: flags.allMatches === true,
              previous: flags.previous === true,
              ...(runNumber === undefined ? {} : { run: runNumber }),
            }),
          ];
    const { opened, failures } = await openSandboxes(deps, chosen, agents);
    if (opened.length === 0 && failures[0] !== undefined) throw failures[0].error;
    for (const failure of failures) {
      const reason = failure.error instanceof Error ? failure.error.message : String(failure.error);
      io.stderr.write(`warning: ${printable(`${failure.task.alias ?? failure.task.taskId}: ${reason}`)}\n`);
    }

    if (flags.list === true) {
      for (const sandbox of opened) {
        const entries = await listSandbox(sandbox, signal);
        if (globals.json) for (const entry of entries) io.stdout.write(`${JSON.stringify({ task: sandbox.label, ...entry })}\n`);
        else io.stdout.write(`==> ${printable(`${sandbox.label} (${sandbox.location.path})`)} <==\n${formatListing(entries)}`);
      }
      // A task whose sandbox could not be opened (warned above) is a listing missing: never exit 0.
      return failures.length === 0 ? ExitCode.OK : ExitCode.FAILED;
    }

    if (flags.bundle !== undefined) {
      const frameworkOut = frameworkLogPath(globals.confDir);
      const showProgress = io.stderrIsTTY && !globals.json;
      const result = await writeBundle({
        output: flags.bundle,
        force: flags.force === true,
        tasks: opened.map((sandbox) => ({ label: sandbox.label, files: sandbox.files, sandbox: sandbox.location.path })),
        ...(existsSync(frameworkOut) ? { extraFiles: [{ name: 'framework.out', localPath: frameworkOut }] } : {}),
        ...(showProgress ? { onProgress: (progress) => io.stderr.write(`\r${progressLine(progress)}`) } : {}),
        signal,
      });
      if (showProgress) io.stderr.write('\n');
      if (globals.json) io.stdout.write(`${JSON.stringify({ bundle: flags.bundle, ...result })}\n`);
      else
        io.stdout.write(
          `Wrote ${flags.bundle}: ${result.members.length} files, ${result.bytes} bytes` +
            (result.skipped.length > 0 ? `; skipped ${result.skipped.length}` : '') +
            '\n',
        );
      return ExitCode.OK;
    }

    const fileFlags = {
      ...(flags.file === undefined ? {} : { file: flags.file }),
      ...(flags.stdout === true ? { stdout: true } : {}),
      ...(flags.stderr === true ? { stderr: true } : {}),
    };
    const singleFile = (flags.file?.length ?? 0) + (flags.stdout === true ? 1 : 0) + (flags.stderr === true ? 1 : 0) === 1;
    const writer = globals.json ? new NdjsonLogWriter(io.stdout) : new TextLogWriter(io.stdout, !singleFile || flags.follow === true);
    const sources = await printTails(opened, fileFlags, { lines, writer, forFollow: flags.follow === true, signal });
    if (flags.follow !== true) return failures.length === 0 ? ExitCode.OK : ExitCode.FAILED;
    // A run chosen with --previous or --run is that run only; otherwise the alias is followed.
    const followed = chosen.length === 1 && flags.previous !== true && runNumber === undefined ? chosen[0]! : undefined;
    const relaunch =
      followed?.alias === undefined
        ? undefined
        : new RelaunchFollow({
            alias: followed.alias,
            taskId: followed.taskId,
            reload: loadNamed,
            willNotRelaunch: async () => willNotRelaunch(ctx, site, frameworkId, followed.alias!, connection.client),
          });
    const end = await followSources(sources, {
      writer,
      notices: io.stderr,
      clock: systemClock,
      signal,
      ...(flags.untilExit === true ? { untilExit: { deps, taskIds: opened.map((sandbox) => sandbox.task.taskId) } } : {}),
      rediscover: { opened, flags: fileFlags },
      ...(relaunch === undefined ? {} : { relaunch: { follow: relaunch, deps } }),
    });
    return end === 'cancelled' ? exitCodeFor(ctx.termination.received() ?? 'SIGINT') : ExitCode.OK;
  } finally {
    transports.closeAll();
    connection.close();
  }
}

/**
 * Whether the scheduler will launch `alias` again: not when its framework is gone or has no
 * scheduler connected, nor when the deployment's state retired the alias (killed without relaunch,
 * crash-looped, or forgotten).
 */
async function willNotRelaunch(
  ctx: CommandContext,
  site: LoadedSite,
  frameworkId: string,
  alias: string,
  master: MesosMasterClient,
): Promise<boolean> {
  const framework = (await master.getFrameworks({ signal: ctx.termination.signal })).find((f) => f.frameworkId === frameworkId);
  if (framework === undefined || framework.completed || framework.connected === false || !framework.active) return true;
  const state = openDeploymentState(ctx.globals, site);
  const ledger = await state.readLedger().finally(() => state.close());
  // No state of this framework here (another framework, or a scheduler keeping it elsewhere): its
  // run ending is the end, as before relaunches were followed.
  if (ledger?.frameworkId !== frameworkId) return true;
  const entry = ledger.tasks.find((task) => task.alias === alias);
  if (entry === undefined || entry.crashLooped) return true;
  if (entry.killRequested !== undefined && !entry.killRequested.relaunch) return true;
  return isTerminalState(entry.state) && entry.relaunchAt === undefined;
}

/** `--run N`: a whole number from 1; not with --previous. */
function parseRunFlag(flags: LogsFlags): number | undefined {
  if (flags.run === undefined) return undefined;
  if (flags.previous === true) throw new UsageError('--previous and --run both choose a run', { hint: 'give one of them' });
  if (!/^\d+$/.test(flags.run.trim()) || Number(flags.run) < 1) {
    throw new UsageError(`--run must be a run number from 1, not "${flags.run}"`, {
      hint: 'runs are numbered oldest first: --run 1 is the first',
    });
  }
  return Number(flags.run);
}
