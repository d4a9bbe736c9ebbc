/**
 * `status <alias>`: one alias's history (see status/describe.ts), with the sandbox path of its
 * newest run asked from its agent (as `logs` finds it).
 */
import type { CommandContext } from '../../context/context.js';
import type { MasterConnection } from '../../mesos/client/connect.js';
import type { ConnectionFlags } from '../../context/connection.js';
import { agentTransports } from '../common/agent-transports.js';
import type { Ledger } from '../../state/ledger.js';
import { aliasOfTaskId } from '../../state/task-names.js';
import { describeAlias, renderAliasDescription } from '../../status/describe.js';
import { openSandbox, type EngineDeps } from '../../logs/engine.js';
import type { TaskCandidate } from '../../logs/task-match.js';
import { editDistance } from '../../shared/edit-distance.js';
import { ExitCode, NotFoundError } from '../../shared/errors.js';
import type { Credentials } from '../../mesos/client/credentials.js';

export async function describeTask(
  ctx: CommandContext,
  query: string,
  frameworkId: string,
  ledger: Ledger | undefined,
  connection: MasterConnection,
  flags: ConnectionFlags,
  credentials: Credentials | undefined,
): Promise<number> {
  const { io, globals } = ctx;
  const signal = ctx.termination.signal;
  const [tasks, agents] = await Promise.all([connection.client.getTasks({ signal }), connection.client.getAgents({ signal })]);
  const ours = tasks.filter((task) => task.frameworkId === frameworkId);
  const ownLedger = ledger?.frameworkId === frameworkId ? ledger : undefined;
  // An alias, or the id of one of its runs.
  const alias = aliasOfTaskId(query) ?? query.trim();
  const description = describeAlias(
    alias,
    frameworkId,
    ours,
    agents,
    ownLedger?.tasks.find((task) => task.alias === alias),
  );
  if (description === undefined) {
    const known = [...new Set([...ours.map((task) => aliasOfTaskId(task.taskId)), ...(ownLedger?.tasks ?? []).map((task) => task.alias)])]
      .filter((name): name is string => name !== undefined)
      .sort();
    const close = known
      .map((name) => ({ name, distance: editDistance(alias, name) }))
      .filter((entry) => entry.distance <= 2)
      .sort((a, b) => a.distance - b.distance)[0]?.name;
    throw new NotFoundError(
      `no task of framework ${frameworkId} is named ${alias}${close === undefined ? '' : `; did you mean ${close}?`}`,
      {
        hint: `known: ${known.join(', ') || 'none'}`,
      },
    );
  }
  const current = description.current;
  if (current !== null && current.host !== null) {
    const transports = agentTransports(globals, flags, credentials);
    const deps: EngineDeps = { master: connection.client, agentTransport: (baseUrl) => transports.open(baseUrl), signal };
    const task = ours.find((candidate) => candidate.taskId === current.taskId)!;
    const candidate: TaskCandidate = {
      taskId: task.taskId,
      name: task.name,
      state: task.state,
      frameworkId,
      agentId: task.agentId,
      executorId: task.executorId,
      agentHost: current.host,
      startedAt: undefined,
      alias,
    };
    try {
      description.sandbox = (await openSandbox(deps, candidate, agents)).location.path;
    } catch {
      // The sandbox may be collected or its agent silent: the rest still describes the alias.
    } finally {
      transports.closeAll();
    }
  }
  io.stdout.write(globals.json ? `${JSON.stringify(description)}\n` : renderAliasDescription(description, new Date()));
  return current !== null && current.state === 'TASK_RUNNING' ? ExitCode.OK : ExitCode.FAILED;
}
