/**
 * `alluxio-mesos local-cluster agent list|kill|start|restart [agent]`: controls one agent of a
 * running `local-cluster` from another shell, through the control endpoint of its master. The
 * master is `--master` (or MESOS_MASTER), else 127.0.0.1:5050, local-cluster's default; the address
 * saved by `init` is not used, as it may well be a real cluster.
 */
import type { CommandContext } from '../../context/context.js';
import { connectToMaster } from '../../mesos/client/connect.js';
import { ExitCode, UsageError } from '../../shared/errors.js';
import { formatTable } from '../../ui/table.js';
import { printable } from '../../shared/printable.js';
import { AGENT_ACTIONS, type AgentAction, type ControlAgent } from '../../emulator/control-api.js';
import { AgentControlClient } from './agent-control.js';

const DEFAULT_MASTER = '127.0.0.1:5050';

/** What each action did, and what the master makes of it. */
const DONE: Readonly<Record<AgentAction, string>> = {
  kill: 'killed with its tasks; the master marks it disconnected at its next ping, then unreachable (its tasks LOST) after the ping timeout',
  start: 'started: it registers with the master as a new agent',
  restart: 'restarted without its tasks: it registers as a new agent, and the master removes the old one with its tasks (LOST)',
};

export async function runLocalClusterAgent(ctx: CommandContext, action: string, name: string | undefined): Promise<number> {
  const { io, globals } = ctx;
  if (action !== 'list' && !AGENT_ACTIONS.some((known) => known === action)) {
    throw new UsageError(`unknown agent action "${action}"`, { hint: `use list, ${AGENT_ACTIONS.join(', ')}` });
  }
  if (action !== 'list' && name === undefined) {
    throw new UsageError(`which agent to ${action}?`, { hint: `name it by number or address: local-cluster agent ${action} 2` });
  }
  if (action === 'list' && name !== undefined) throw new UsageError('agent list takes no agent', { hint: 'run local-cluster agent list' });
  const connection = await connectToMaster({
    master: globals.master ?? DEFAULT_MASTER,
    timeoutMs: globals.timeoutMs,
    signal: ctx.termination.signal,
  });
  try {
    const control = new AgentControlClient(connection.client.transport);
    const signal = ctx.termination.signal;
    if (action === 'list') {
      const agents = await control.list(signal);
      if (globals.json) io.stdout.write(`${JSON.stringify({ agents })}\n`);
      else io.stdout.write(`${renderAgents(agents).join('\n')}\n`);
      return ExitCode.OK;
    }
    const agent = await control.find(name as string, signal);
    const after = await control.act(agent, action as AgentAction, signal);
    if (globals.json) io.stdout.write(`${JSON.stringify({ action, agent: after })}\n`);
    else io.stdout.write(`agent ${after.number} (${printable(after.hostname)}) ${DONE[action as AgentAction]}\n`);
    return ExitCode.OK;
  } finally {
    connection.close();
  }
}

function renderAgents(agents: readonly ControlAgent[]): string[] {
  return formatTable([
    ['AGENT', 'ADDRESS', 'PROCESS', 'MASTER SEES', 'AGENT ID'],
    ...agents.map((agent) => [String(agent.number), agent.hostname, agent.process, agent.master, agent.agentId ?? '-']),
  ]);
}
