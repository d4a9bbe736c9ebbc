/**
 * The client side of the local cluster's control endpoint (see emulator/control-api.ts): lists the
 * agents and kills, starts or restarts one, with an error that says what to do when the address is
 * not a local cluster, the agent does not exist, or the action does not apply.
 */
import { STATE_ANSWER_BYTES } from '../../mesos/client/answer-limits.js';
import type { HttpResponse, HttpTransport } from '../../mesos/client/http.js';
import { parseJsonBody } from '../../mesos/client/responses.js';
import { NotFoundError, OperationError } from '../../shared/errors.js';
import { firstLine } from '../../shared/excerpt.js';
import { CONTROL_AGENTS_PATH, agentActionPath, type AgentAction, type ControlAgent, type MasterView } from '../../emulator/control-api.js';
import { asArray, asNumber, asRecord, asString, optionalString, shapeError } from '../../mesos/client/json-shape.js';

const NOT_A_LOCAL_CLUSTER_HINT =
  'give --master the address `alluxio-mesos local-cluster` printed ("Use it with --master ..."); a real Mesos master has no agent control';

export class AgentControlClient {
  constructor(private readonly transport: HttpTransport) {}

  async list(signal?: AbortSignal): Promise<ControlAgent[]> {
    const response = await this.transport.request({
      method: 'GET',
      path: CONTROL_AGENTS_PATH,
      headers: { Accept: 'application/json' },
      maxBodyBytes: STATE_ANSWER_BYTES,
      ...(signal === undefined ? {} : { signal }),
    });
    if (response.status !== 200) {
      throw new OperationError(
        `${this.transport.baseUrl} is not an alluxio-mesos local cluster: ${CONTROL_AGENTS_PATH} answered ${describe(response)}`,
        { hint: NOT_A_LOCAL_CLUSTER_HINT },
      );
    }
    const where = `${response.url}`;
    const root = asRecord(parseJsonBody(response), where);
    return asArray(root.agents, `${where}: agents`).map((value, i) => controlAgent(value, `${where}: agents[${i}]`));
  }

  /** The agent named by its number (from 1) or its address (127.0.0.N). */
  async find(name: string, signal?: AbortSignal): Promise<ControlAgent> {
    const agents = await this.list(signal);
    const found = agents.find((agent) => String(agent.number) === name || agent.hostname === name);
    if (found === undefined) {
      const last = agents[agents.length - 1];
      throw new NotFoundError(
        `the local cluster at ${this.transport.baseUrl} has no agent "${name}"` +
          (last === undefined ? '' : `: its agents are 1 to ${last.number} (127.0.0.2 to ${last.hostname})`),
        { hint: 'name an agent by its number or its address; `alluxio-mesos local-cluster agent list` lists them' },
      );
    }
    return found;
  }

  async act(agent: ControlAgent, action: AgentAction, signal?: AbortSignal): Promise<ControlAgent> {
    const response = await this.transport.request({
      method: 'POST',
      path: agentActionPath(agent.number, action),
      headers: { Accept: 'application/json' },
      // Killing an agent is not repeated blindly: a retry would kill the agent started meanwhile.
      retry: false,
      maxBodyBytes: STATE_ANSWER_BYTES,
      ...(signal === undefined ? {} : { signal }),
    });
    if (response.status === 200) return controlAgent(parseJsonBody(response), response.url);
    const reason = errorOf(response);
    if (response.status === 409) {
      const other =
        action === 'kill' ? `start it: \`alluxio-mesos local-cluster agent start ${agent.number}\`` : 'kill it first, or restart it';
      throw new OperationError(reason, { hint: other });
    }
    throw new OperationError(`${action} agent ${agent.number} (${agent.hostname}) failed: ${reason}`, {
      hint: 'run local-cluster with --verbose to see what the agent logged',
    });
  }
}

/** One agent record, checked: what is printed must be what it claims to be. */
function controlAgent(value: unknown, where: string): ControlAgent {
  const json = asRecord(value, where);
  const process = asString(json.process, `${where}.process`);
  if (process !== 'running' && process !== 'killed') throw shapeError(`${where}.process`, 'running or killed', process);
  return {
    number: asNumber(json.number, `${where}.number`),
    hostname: asString(json.hostname, `${where}.hostname`),
    process,
    endpoint: optionalString(json.endpoint, `${where}.endpoint`) ?? null,
    agentId: optionalString(json.agentId, `${where}.agentId`) ?? null,
    master: asString(json.master, `${where}.master`) as MasterView,
  };
}

/** The `{"error": ...}` of a refused action, else the status and the first line of the body. */
function errorOf(response: HttpResponse): string {
  try {
    const { error } = parseJsonBody(response) as { error?: unknown };
    if (typeof error === 'string') return firstLine(error);
  } catch {
    // Not the endpoint's JSON: described below.
  }
  return describe(response);
}

function describe(response: HttpResponse): string {
  const body = firstLine(response.body.toString('utf8').trim());
  return `${response.status} ${response.statusText}`.trim() + (body === '' ? '' : `: ${body}`);
}
