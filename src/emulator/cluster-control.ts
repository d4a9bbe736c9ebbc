/**
 * The local master's control endpoint (paths and records in control-api.ts): kill, start and
 * restart one agent of the local cluster from another process, so that agent loss can be
 * rehearsed and tested from the outside. The master binds 127.x only; a request carrying an
 * `Origin` header comes from a web page (a browser adds it to every cross-site POST) and is refused,
 * so that no page open in the operator's browser can kill agents.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AGENT_ACTIONS,
  CONTROL_AGENTS_PATH,
  agentHostname,
  type AgentAction,
  type ControlAgent,
  type ControlAgentList,
  type MasterView,
} from './control-api.js';
import type { ClusterAgent } from './agent-host/agent-hosts.js';
import type { LocalMaster } from './master/local-master.js';
import { replyJson } from './master/http-replies.js';
import { systemClock } from '../shared/clock.js';

/** What the endpoint needs of the cluster (LocalCluster). */
export interface ControlledCluster {
  readonly master: LocalMaster;
  readonly agentCount: number;
  readonly agents: ReadonlyArray<ClusterAgent | undefined>;
  agentId(i: number): string | undefined;
  killAgent(i: number): Promise<void>;
  startAgent(i: number): Promise<ClusterAgent>;
  restartAgent(i: number): Promise<ClusterAgent>;
}

export async function handleControl(req: IncomingMessage, res: ServerResponse, cluster: ControlledCluster): Promise<void> {
  if (req.headers.origin !== undefined) {
    replyJson(res, 403, { error: 'the local cluster is controlled from the command line, not from web pages' });
    return;
  }
  const path = new URL(req.url ?? '/', 'http://local').pathname.replace(/\/+$/, '');
  if (path === CONTROL_AGENTS_PATH) {
    if (req.method !== 'GET') return replyJson(res, 405, { error: `GET ${CONTROL_AGENTS_PATH} lists the agents` });
    const list: ControlAgentList = { agents: Array.from({ length: cluster.agentCount }, (_, i) => describeAgent(cluster, i)) };
    replyJson(res, 200, list);
    return;
  }
  const match = /^\/local-cluster\/agents\/([^/]+)\/([^/]+)$/.exec(path);
  if (match === null) {
    replyJson(res, 404, { error: `no such control endpoint: ${path}; see GET ${CONTROL_AGENTS_PATH}` });
    return;
  }
  const [, numberText = '', actionText = ''] = match;
  const action = AGENT_ACTIONS.find((known) => known === actionText);
  if (action === undefined) {
    replyJson(res, 404, { error: `unknown action "${actionText}": use ${AGENT_ACTIONS.join(', ')}` });
    return;
  }
  if (req.method !== 'POST') return replyJson(res, 405, { error: `POST to ${action} an agent` });
  const number = /^\d{1,4}$/.test(numberText) ? Number(numberText) : NaN;
  if (!(number >= 1 && number <= cluster.agentCount)) {
    replyJson(res, 404, { error: `no agent ${numberText}: this local cluster has agents 1 to ${cluster.agentCount}` });
    return;
  }
  const i = number - 1;
  const running = cluster.agents[i] !== undefined;
  if (action === 'kill' && !running) return replyJson(res, 409, { error: `agent ${number} (${agentHostname(i)}) is not running` });
  if (action === 'start' && running) return replyJson(res, 409, { error: `agent ${number} (${agentHostname(i)}) is already running` });
  try {
    await act(cluster, i, action);
  } catch (error) {
    replyJson(res, 500, { error: `agent ${number} (${agentHostname(i)}): ${error instanceof Error ? error.message : String(error)}` });
    return;
  }
  replyJson(res, 200, describeAgent(cluster, i));
}

async function act(cluster: ControlledCluster, i: number, action: AgentAction): Promise<void> {
  if (action === 'kill') return cluster.killAgent(i);
  const agent = action === 'start' ? await cluster.startAgent(i) : await cluster.restartAgent(i);
  // Answer once it has registered (it has an id then); an agent that cannot find a master (a
  // standalone one after a master restart) is answered as it is after a while.
  for (let waited = 0; !agent.registered && waited < REGISTRATION_WAIT_MS; waited += 50) await systemClock.sleep(50);
}

/** How long a started agent is given to register before the answer goes out anyway. */
const REGISTRATION_WAIT_MS = 10_000;

function describeAgent(cluster: ControlledCluster, i: number): ControlAgent {
  const agent = cluster.agents[i];
  const agentId = cluster.agentId(i);
  return {
    number: i + 1,
    hostname: agentHostname(i),
    process: agent === undefined ? 'killed' : 'running',
    endpoint: agent === undefined ? null : agent.endpoint,
    agentId: agentId ?? null,
    master: masterView(cluster, agentId),
  };
}

function masterView(cluster: ControlledCluster, agentId: string | undefined): MasterView {
  if (!cluster.master.elected) return 'no leading master';
  if (agentId === undefined) return 'not registered';
  const core = cluster.master.state;
  const record = core.agents.get(agentId);
  if (record !== undefined) return record.active ? 'registered' : 'disconnected';
  if (core.unreachableAgents.has(agentId)) return 'unreachable';
  if (core.removedAgents.has(agentId)) return 'removed';
  return 'not registered';
}
