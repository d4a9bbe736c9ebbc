/**
 * The scheduler driver's protocol on the local master, as Mesos masters from 0.23 to 1.x speak it
 * (recorded from 1.12 in test/fixtures/mesos-1.12/legacy-libprocess/): the scheduler POSTs
 * `/master/<message>` with `Libprocess-From: scheduler(1)@ip:port` and gets 202 whatever happens
 * next; the master opens its own kept-alive connection to that pid and POSTs each reply, chunked,
 * as `/scheduler(1)/<message>`. Registration and calls go to the same MasterCore as the v1
 * scheduler API, through a SchedulerConnection that turns events into messages.
 *
 * Like Mesos, the master answers 202 to anything addressed as a message and then drops what it
 * cannot use (undecodable, not elected, a call from a pid that is not the framework's), and 404 to
 * a request that is not a message (no sender).
 */
import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  LegacyMessage,
  callOfMessage,
  decodeLegacyMessage,
  encodeLegacyMessage,
  formatProcessId,
  isLegacyMessageName,
  messageOfEvent,
  messagePath,
  senderOf,
  type LegacyEnvelope,
  type ProcessId,
} from '../../mesos/protocol/libprocess.js';
import type { Event } from '../../mesos/protocol/types.js';
import { httpRequest } from '../../shared/http-request.js';
import { replyEmpty } from './http-replies.js';
import type { MasterCore } from './master-core.js';
import type { SchedulerConnection } from './model.js';
import { applySchedulerCall, type SchedulerEndpointDeps } from './scheduler-endpoint.js';

export interface LibprocessEndpointDeps extends SchedulerEndpointDeps {
  /** `master@ip:port`: the sender of every message the master sends. */
  readonly masterPid: () => string;
}

/**
 * One registered scheduler, reached through its pid. Messages leave in order on one kept-alive
 * connection (an agent of one socket), each as one chunked POST, as libprocess sends them.
 */
class LibprocessConnection implements SchedulerConnection {
  readonly streamId: string;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private isClosed = false;
  /** Replaced by a re-registration from the same pid: nothing more goes out through this one. */
  private retired = false;
  private readonly listeners: Array<() => void> = [];
  private frameworkId = '';
  /** Messages handed to the connection and not yet answered. */
  private pending = 0;

  constructor(
    readonly pid: ProcessId,
    private readonly masterPid: string,
    private readonly agentPid: (agentId: string) => string,
    private readonly log: (message: string) => void,
  ) {
    this.streamId = `libprocess:${formatProcessId(pid)}`;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  send(event: Event): void {
    if (this.isClosed || this.retired) return;
    if (event.type === 'SUBSCRIBED' && event.subscribed !== undefined) this.frameworkId = event.subscribed.framework_id.value;
    const envelope = messageOfEvent(event, this.frameworkId, this.agentPid);
    if (envelope !== undefined) this.post(envelope);
  }

  /** The legacy master sends no heartbeats: the scheduler watches the connection (and the master) instead. */
  startHeartbeats(): void {}

  /** Another registration from the same pid took over: it, not this, answers from now on. */
  retire(): void {
    this.retired = true;
  }

  /** Nothing more is sent; what was sent still goes out (a failover's FrameworkErrorMessage), then the connection closes. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.pending === 0) this.agent.destroy();
    for (const listener of this.listeners.splice(0)) listener();
  }

  /** A dying master drops the connection at once. */
  abort(): void {
    this.close();
    this.agent.destroy();
  }

  onClose(listener: () => void): void {
    if (this.isClosed) listener();
    else this.listeners.push(listener);
  }

  private post(envelope: LegacyEnvelope): void {
    const body = encodeLegacyMessage(envelope);
    this.pending += 1;
    httpRequest({
      url: `http://${this.pid.host}:${this.pid.port}${messagePath(this.pid.id, envelope.name)}`,
      method: 'POST',
      headers: { 'User-Agent': `libprocess/${this.masterPid}`, 'Libprocess-From': this.masterPid, Connection: 'Keep-Alive' },
      body,
      chunked: true,
      agent: this.agent,
      timeoutMs: 30_000,
      maxBodyBytes: 4096,
    })
      .then(
        (answer) => {
          if (answer.status !== 202) this.log(`the scheduler ${formatProcessId(this.pid)} answered ${envelope.name} with ${answer.status}`);
        },
        (error: unknown) => {
          // libprocess' link breaking: the master takes the scheduler for gone (Master::exited).
          this.log(`cannot reach the scheduler ${formatProcessId(this.pid)}: ${String(error)}`);
          this.close();
        },
      )
      .finally(() => {
        this.pending -= 1;
        if (this.isClosed && this.pending === 0) this.agent.destroy();
      });
  }
}

export function handleLibprocess(
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  body: Buffer,
  deps: LibprocessEndpointDeps,
  elected: boolean,
): void {
  const from = senderOf(req.headers);
  if (from === undefined || req.method !== 'POST') {
    replyEmpty(res, 404);
    return;
  }
  replyEmpty(res, 202);
  const log = (message: string): void => deps.log?.(message);
  if (!isLegacyMessageName(name)) return log(`dropping ${name} from ${formatProcessId(from)}: not a message the master handles`);
  if (!elected) return log(`dropping ${name} from ${formatProcessId(from)}: not the leading master`);
  let envelope: LegacyEnvelope;
  try {
    envelope = decodeLegacyMessage(name, body);
  } catch (error) {
    return log(`dropping ${name} from ${formatProcessId(from)}: ${(error as Error).message}`);
  }
  const call = callOfMessage(envelope);
  if (call === undefined) return log(`dropping ${name} from ${formatProcessId(from)}: not a message schedulers send`);
  deps.onCall?.({
    type: call.type,
    at: deps.clock.now(),
    frameworkId: call.framework_id?.value,
    streamId: `libprocess:${formatProcessId(from)}`,
  });
  const core = deps.core();

  if (call.type === 'SUBSCRIBE' && call.subscribe !== undefined) {
    const id = call.framework_id?.value;
    const current = id === undefined ? connectionOf(core, from) : core.framework(id)?.connection;
    if (id === undefined && current !== undefined && !current.closed) {
      // The driver re-sent its registration before our answer arrived: the answer is on its way.
      return;
    }
    if (current instanceof LibprocessConnection && samePid(current.pid, from)) current.retire();
    const connection = new LibprocessConnection(from, deps.masterPid(), (agentId) => agentPidOf(core, agentId), log);
    deps.streams.add(connection);
    connection.onClose(() => deps.streams.delete(connection));
    core.subscribe(call.subscribe, connection);
    return;
  }

  const invalid = deps.codec.validateCall(call);
  if (invalid !== undefined) return log(`dropping ${call.type} from ${formatProcessId(from)}: ${invalid}`);
  const fw = core.framework(call.framework_id?.value ?? '');
  const connection = fw?.connection;
  if (fw === undefined || !(connection instanceof LibprocessConnection) || !samePid(connection.pid, from)) {
    return log(`dropping ${call.type} from ${formatProcessId(from)}: not the registered scheduler of that framework`);
  }
  if (name === LegacyMessage.unregister) {
    core.teardown(fw);
    return;
  }
  applySchedulerCall(core, fw, call);
}

function samePid(a: ProcessId, b: ProcessId): boolean {
  return a.id === b.id && a.host === b.host && a.port === b.port;
}

/** The framework this pid registered, connected through it. */
function connectionOf(core: MasterCore, pid: ProcessId): SchedulerConnection | undefined {
  for (const fw of core.frameworks.values()) {
    if (fw.connection instanceof LibprocessConnection && samePid(fw.connection.pid, pid)) return fw.connection;
  }
  return undefined;
}

function agentPidOf(core: MasterCore, agentId: string): string {
  const agent = core.agents.get(agentId);
  return agent === undefined ? '' : `slave(1)@${agent.ip}:${agent.port}`;
}
