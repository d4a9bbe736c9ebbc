/**
 * The scheduler transport for masters older than the v1 API (0.23-0.27), speaking what libmesos'
 * scheduler driver speaks, with the same interface as the HTTP scheduler client so the controller
 * and the reducer do not change. SUBSCRIBE becomes the driver's (re-)registration, re-sent with
 * backoff until the master answers; the master's messages arrive on our own listener and come out
 * as v1 events; other calls are POSTed as the v0 scheduler Call.
 *
 * Liveness. The legacy master sends schedulers no heartbeats; the driver learns of a lost master
 * from its socket breaking and from master detection. Here: the listener reports the master's
 * connection closing, and the client probes the master's `/master/health` every probe interval;
 * each answer is delivered as a HEARTBEAT event (SUBSCRIBED announces the probe interval as the
 * heartbeat interval), so the controller's missed-heartbeat rule applies unchanged, and two
 * probes in a row that get no answer, or a closed connection followed by a failed probe, end the
 * session at once (the controller then re-registers, with failover, as the driver does).
 */
import type { HttpTransport } from './http.js';
import { LibprocessListener, type InboundMessage } from './libprocess-listener.js';
import {
  decodeLegacyMessage,
  encodeLegacyMessage,
  eventOf,
  formatProcessId,
  isLegacyMessageName,
  messageOfCall,
  messagePath,
  type LegacyCapabilities,
  type LegacyEnvelope,
  type ProcessId,
} from '../protocol/libprocess.js';
import type { Call, Event } from '../protocol/types.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { OperationError } from '../../shared/errors.js';
import { ERROR_ANSWER_BYTES } from './answer-limits.js';
import type { Subscription } from './scheduler-client.js';

/** Our process id, as the driver names its scheduler process. */
const SCHEDULER_PROCESS = 'scheduler(1)';
const MASTER_PROCESS = 'master';
const REGISTRATION_BACKOFF = { initialMs: 1_000, maxMs: 8_000 };
const PROBE_FAILURES_TO_DROP = 2;

export interface LegacySchedulerOptions {
  readonly transport: Pick<HttpTransport, 'request' | 'baseUrl'>;
  /** Where the listener binds (port 0: any). */
  readonly listen: { readonly host: string; readonly port: number };
  /** The address the master connects back to; port defaults to the bound one. */
  readonly advertise: { readonly host: string; readonly port?: number | undefined };
  readonly capabilities: LegacyCapabilities;
  /** How long a registration may go unanswered before the master is taken to be unable to reach us. */
  readonly registrationTimeoutMs: number;
  /** Liveness probe interval (default 15 s, the v1 heartbeat's). */
  readonly probeIntervalMs?: number;
  readonly clock?: Clock;
  /** Hears about messages dropped (undecodable, from a stranger); for logs. */
  readonly onDropped?: (reason: string) => void;
}

export class LibprocessSchedulerClient {
  private listener: LibprocessListener | undefined;
  private pid: ProcessId | undefined;
  private session: Session | undefined;
  /** Some master has connected back to us before: silence now is the master's, not the network's. */
  private heardFromMaster = false;
  private readonly clock: Clock;
  private readonly probeIntervalMs: number;
  private transport: LegacySchedulerOptions['transport'];

  constructor(private readonly options: LegacySchedulerOptions) {
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.probeIntervalMs = options.probeIntervalMs ?? 15_000;
  }

  /** Talk to another master from now on (the leader moved); the listener and pid stay. */
  retarget(transport: LegacySchedulerOptions['transport']): void {
    this.transport = transport;
  }

  /** Our libprocess pid (`scheduler(1)@ip:port`), once listening. */
  get processId(): string | undefined {
    return this.pid === undefined ? undefined : formatProcessId(this.pid);
  }

  async subscribe(call: Call, signal?: AbortSignal): Promise<Subscription> {
    const pid = await this.listen();
    this.session?.end();
    const session = new Session(this.clock, this.probeIntervalMs, () => this.probe());
    this.session = session;
    const envelope = messageOfCall(call, this.options.capabilities);
    if (envelope === undefined) throw new OperationError('SUBSCRIBE without a FrameworkInfo');
    const deadline = this.clock.now() + this.options.registrationTimeoutMs;
    try {
      for (let attempt = 0; ; attempt += 1) {
        await this.post(envelope, signal);
        const wait = Math.min(REGISTRATION_BACKOFF.initialMs * 2 ** attempt, REGISTRATION_BACKOFF.maxMs, deadline - this.clock.now());
        const pause = new AbortController();
        const replied = await Promise.race([
          session.replied.then(() => true),
          this.clock
            .sleep(Math.max(0, wait), signal === undefined ? pause.signal : AbortSignal.any([signal, pause.signal]))
            .then(() => false),
        ]).finally(() => pause.abort());
        if (replied) break;
        if (this.clock.now() >= deadline) throw this.silence(pid);
      }
    } catch (error) {
      session.end();
      throw error;
    }
    return { streamId: formatProcessId(pid), events: session.events(), close: () => session.end() };
  }

  /** Sends one call; resolves once the master took the message (202). A call the master's version lacks is dropped. */
  async call(call: Call, _streamId: string, signal?: AbortSignal): Promise<void> {
    const envelope = messageOfCall(call, this.options.capabilities);
    if (envelope === undefined) return;
    await this.post(envelope, signal);
  }

  /** Ends the session and stops listening (the master sees the scheduler go away). */
  async close(): Promise<void> {
    this.session?.end();
    this.session = undefined;
    await this.listener?.close();
    this.listener = undefined;
  }

  /** Binds the listener (once); subscribe does it too. Fails at once on a bad or busy address. */
  async listen(): Promise<ProcessId> {
    if (this.pid !== undefined) return this.pid;
    this.listener = await LibprocessListener.open({
      ...this.options.listen,
      processId: SCHEDULER_PROCESS,
      onMessage: (message) => this.receive(message),
      onPeerClosed: (peer) => this.session?.peerClosed(peer),
    });
    this.pid = { id: SCHEDULER_PROCESS, host: this.options.advertise.host, port: this.options.advertise.port ?? this.listener.port };
    return this.pid;
  }

  private receive(message: InboundMessage): void {
    const session = this.session;
    if (message.from.id !== MASTER_PROCESS)
      return this.options.onDropped?.(`a message from ${formatProcessId(message.from)}, not a master`);
    if (!isLegacyMessageName(message.name)) return this.options.onDropped?.(`${message.name}: not a message a scheduler handles`);
    let envelope: LegacyEnvelope;
    try {
      envelope = decodeLegacyMessage(message.name, message.body);
    } catch (error) {
      return this.options.onDropped?.(`${message.name} that does not decode: ${(error as Error).message}`);
    }
    this.heardFromMaster = true;
    session?.deliver(message.from, envelope);
  }

  private async post(envelope: LegacyEnvelope, signal: AbortSignal | undefined): Promise<void> {
    const from = this.processId ?? '';
    const response = await this.transport.request({
      method: 'POST',
      path: messagePath(MASTER_PROCESS, envelope.name),
      headers: { 'Libprocess-From': from, 'Content-Type': 'application/octet-stream' },
      body: encodeLegacyMessage(envelope),
      // Never blindly: a launch must not repeat. Registration is re-sent by its own loop.
      retry: false,
      passStatuses: [400, 404, 405, 500, 503],
      maxBodyBytes: ERROR_ANSWER_BYTES,
      ...(signal === undefined ? {} : { signal }),
    });
    if (response.status !== 202 && response.status !== 200) {
      const what =
        envelope.name === 'mesos.scheduler.Call' ? (envelope.message as Call).type : envelope.name.replace('mesos.internal.', '');
      throw new OperationError(`the Mesos master at ${this.transport.baseUrl} refused ${what} (${response.status})`, {
        hint:
          response.status === 404
            ? 'this master does not take libprocess messages at /master/...: use --transport v1'
            : 'check the Mesos master log; the scheduler retries',
        retriable: response.status !== 404,
      });
    }
  }

  private async probe(): Promise<boolean> {
    try {
      const response = await this.transport.request({
        method: 'GET',
        path: '/master/health',
        retry: false,
        timeoutMs: this.probeIntervalMs,
        maxBodyBytes: ERROR_ANSWER_BYTES,
      });
      return response.status === 200;
    } catch {
      return false;
    }
  }

  private silence(pid: ProcessId): OperationError {
    const seconds = Math.round(this.options.registrationTimeoutMs / 100) / 10;
    return new OperationError(
      `the Mesos master at ${this.transport.baseUrl} took the registration but never connected back to this scheduler at ${formatProcessId(pid)} (${seconds} s)`,
      {
        hint:
          'the master must reach this machine at the advertised address: check --listen/LIBPROCESS_IP (the address bound), ' +
          '--advertise/LIBPROCESS_ADVERTISE_IP (the address the master is told) and any firewall between them',
        // Once a master has reached us, silence is a master's trouble (an election): retried.
        retriable: this.heardFromMaster,
      },
    );
  }
}

/** One registration's events, in arrival order, plus the probe loop that keeps it honest. */
class Session {
  private readonly queue: Event[] = [];
  private waiting: (() => void) | undefined;
  private ended = false;
  private failure: Error | undefined;
  private master: ProcessId | undefined;
  private probing: AbortController | undefined;
  private resolveReplied: () => void = () => undefined;
  /** Resolves when the master answered the registration (registered, or an error). */
  readonly replied = new Promise<void>((resolve) => {
    this.resolveReplied = resolve;
  });

  constructor(
    private readonly clock: Clock,
    private readonly probeIntervalMs: number,
    private readonly probe: () => Promise<boolean>,
  ) {}

  deliver(from: ProcessId, envelope: LegacyEnvelope): void {
    if (this.ended) return;
    // Once registered, only the master that registered us speaks for it.
    if (this.master !== undefined && (from.host !== this.master.host || from.port !== this.master.port)) return;
    const event = eventOf(envelope, this.probeIntervalMs / 1000);
    if (event === undefined) return;
    if (event.type === 'SUBSCRIBED' && this.master === undefined) {
      this.master = from;
      this.startProbing();
    }
    if (event.type === 'SUBSCRIBED' || event.type === 'ERROR') this.resolveReplied();
    this.push(event);
  }

  /** The master's connection to us closed: find out now whether it is still there. */
  peerClosed(peer: ProcessId): void {
    if (this.master === undefined || peer.host !== this.master.host || peer.port !== this.master.port) return;
    void this.probe().then((alive) => {
      if (!alive)
        this.fail(
          new OperationError(`the Mesos master ${formatProcessId(peer)} closed its connection and does not answer`, { retriable: true }),
        );
    });
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.probing?.abort();
    this.wake();
  }

  async *events(): AsyncGenerator<Event> {
    try {
      for (;;) {
        const event = this.queue.shift();
        if (event !== undefined) {
          yield event;
          continue;
        }
        if (this.failure !== undefined) throw this.failure;
        if (this.ended) return;
        await new Promise<void>((resolve) => {
          this.waiting = resolve;
        });
      }
    } finally {
      this.end();
    }
  }

  private push(event: Event): void {
    this.queue.push(event);
    this.wake();
  }

  private fail(error: Error): void {
    if (this.ended) return;
    this.failure = error;
    this.end();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  private startProbing(): void {
    const probing = new AbortController();
    this.probing = probing;
    void (async () => {
      let failures = 0;
      while (!probing.signal.aborted) {
        const slept = await this.clock.sleep(this.probeIntervalMs, probing.signal).then(
          () => true,
          () => false,
        );
        if (!slept) return;
        if (await this.probe()) {
          failures = 0;
          if (!probing.signal.aborted) this.push({ type: 'HEARTBEAT' });
          continue;
        }
        failures += 1;
        if (failures >= PROBE_FAILURES_TO_DROP) {
          this.fail(new OperationError(`the Mesos master did not answer ${failures} health probes in a row`, { retriable: true }));
          return;
        }
      }
    })();
  }
}
