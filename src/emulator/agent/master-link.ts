/**
 * The agent's side of the master connection: registration, re-registration and JSON POSTs to the
 * leading master (`MASTER_INTERNAL`).
 *
 * How an agent notices the master it registered with is gone:
 *   1. every `checkIntervalMs` it asks `masterLocator()` for the leader; a different URL (failover)
 *      or none at all (no leader) drops the registration;
 *   2. a ping from a master whose `master_id` is not the one it registered with (a restarted master);
 *   3. a master answering 404 to a status update ("I don't know this agent").
 * What it does then depends on how it finds masters, as with Mesos' `--master` flag:
 *   - `zookeeper` (`--master=zk://...`): the detector fires again for the new leader and the agent
 *     re-registers (same agent id, its tasks) with a jittered, doubling backoff until one answers;
 *   - `standalone` (`--master=host:port`): the standalone detector names its one master once and
 *     never fires again, so a real agent whose master exits logs "Master disconnected! Waiting for a
 *     new master to be elected" and waits for good, its tasks still running (seen on Mesos 1.12: a
 *     restarted standalone master never gets its agents back). Only the first registration is
 *     retried, as a real agent keeps retrying the master it was given until it first registers.
 */
import type { RegisterAgentRequest, RegisterAgentResponse } from '../internal-protocol.js';
import { MASTER_INTERNAL } from '../internal-protocol.js';
import { backoffDelay, type BackoffPolicy } from '../../shared/backoff.js';
import { Agent as HttpAgent } from 'node:http';
import { HttpRequestError, httpRequest } from '../../shared/http-request.js';

export interface PostResult {
  /** HTTP status; 0 when no answer came (refused, reset, timed out). */
  status: number;
  body: unknown;
}

/** The master answers agents with a few hundred bytes; anything far larger is not an answer to read. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * POSTs JSON and parses a JSON answer, on the link's kept-alive connections: a connection per
 * message (`Connection: close`) cost a TCP handshake per status update and held the local cluster to
 * a few hundred updates a second. A message that finds its reused connection reset (the master
 * restarted) goes once more on a new one; the master takes repeated messages as Mesos does.
 */
async function postJson(pool: HttpAgent, url: string, body: unknown, timeoutMs: number): Promise<PostResult> {
  const payload = JSON.stringify(body);
  let answer;
  for (let attempt = 1; answer === undefined; attempt++) {
    try {
      answer = await httpRequest({
        url,
        method: 'POST',
        agent: pool,
        headers: { 'Content-Type': 'application/json' },
        body: payload,
        timeoutMs,
        maxBodyBytes: MAX_ANSWER_BYTES,
      });
    } catch (error) {
      if (attempt === 1 && error instanceof HttpRequestError && error.failure === 'network') continue;
      return { status: 0, body: undefined };
    }
  }
  const text = answer.body.toString('utf8');
  try {
    return { status: answer.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  } catch {
    // Not JSON: hand back the text.
    return { status: answer.status, body: text };
  }
}

/** Connections to the master kept open per agent: status updates of different tasks go side by side. */
const MASTER_CONNECTIONS = 8;

/** How the agent finds its master: Mesos' standalone detector (`host:port`) or ZooKeeper. */
export type MasterDetection = 'standalone' | 'zookeeper';

export interface MasterLinkOptions {
  detection: MasterDetection;
  /** Base URL of the leading master (`http://127.0.0.1:5050`), or undefined when there is none. */
  locate: () => Promise<string | undefined>;
  /** The registration message, built fresh for every attempt (tasks change, the id is learnt). */
  registration: () => RegisterAgentRequest;
  onRegistered: (response: RegisterAgentResponse, masterUrl: string) => void;
  backoffMs: number;
  backoffMaxMs: number;
  checkIntervalMs: number;
  requestTimeoutMs: number;
  log: (message: string) => void;
}

function isRegisterResponse(body: unknown): body is RegisterAgentResponse {
  const candidate = body as Partial<RegisterAgentResponse> | undefined;
  return typeof candidate?.agent_id?.value === 'string' && typeof candidate.master_id === 'string';
}

export class MasterLink {
  private running = false;
  private registeredWith: { url: string; masterId: string } | undefined;
  private wake: (() => void) | undefined;
  private sleepTimer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  /** Standalone only: the master this agent registered with is gone, and none will be detected. */
  private masterGone = false;
  private pool = new HttpAgent({ keepAlive: true, maxSockets: MASTER_CONNECTIONS });

  constructor(private readonly options: MasterLinkOptions) {}

  get masterUrl(): string | undefined {
    return this.registeredWith?.url;
  }

  get masterId(): string | undefined {
    return this.registeredWith?.masterId;
  }

  get registered(): boolean {
    return this.registeredWith !== undefined;
  }

  /** True once a standalone agent has lost its master: it waits for an election that never comes. */
  get waitingForNewMaster(): boolean {
    return this.masterGone;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.registeredWith = undefined;
    this.interruptSleep();
    await this.loop;
    // Nothing lingers in the pool after the agent stops; a restarted link starts a new one.
    this.pool.destroy();
    this.pool = new HttpAgent({ keepAlive: true, maxSockets: MASTER_CONNECTIONS });
  }

  /**
   * The master this agent registered with is gone (`reason`): drops the registration and, with
   * ZooKeeper, registers again as soon as possible; standalone, waits for good.
   */
  masterLost(reason: string): void {
    if (!this.running || this.registeredWith === undefined) return;
    this.registeredWith = undefined;
    if (this.options.detection === 'standalone') {
      this.masterGone = true;
      this.options.log(`Master disconnected (${reason})! Waiting for a new master to be elected`);
    } else {
      this.options.log(`Re-registering with the master: ${reason}`);
    }
    this.interruptSleep();
  }

  /** POSTs to the current master; `{status: 0}` when not registered or no answer. */
  async post(path: string, body: unknown): Promise<PostResult> {
    const url = this.registeredWith?.url;
    if (url === undefined) return { status: 0, body: undefined };
    return postJson(this.pool, `${url}${path}`, body, this.options.requestTimeoutMs);
  }

  private async run(): Promise<void> {
    // Jittered like Mesos' registration backoff, so restarted agents don't stampede a master.
    const backoff: BackoffPolicy = { initialMs: this.options.backoffMs, maxMs: this.options.backoffMaxMs, jitter: 'equal' };
    let failures = 0;
    while (this.running) {
      if (this.masterGone) {
        await this.sleep(this.options.checkIntervalMs);
        continue;
      }
      if (this.registeredWith === undefined) {
        if (await this.tryRegister()) {
          failures = 0;
          continue;
        }
        await this.sleep(backoffDelay(failures++, backoff));
        continue;
      }
      await this.sleep(this.options.checkIntervalMs);
      if (!this.running || this.registeredWith === undefined) continue;
      const leader = await this.locate();
      if (leader !== this.registeredWith.url) {
        this.masterLost(leader === undefined ? 'lost the leading master' : `new master detected at ${leader}`);
        failures = 0;
      }
    }
  }

  private async tryRegister(): Promise<boolean> {
    const url = await this.locate();
    if (url === undefined || !this.running) return false;
    const answer = await postJson(
      this.pool,
      `${url}${MASTER_INTERNAL.register}`,
      this.options.registration(),
      this.options.requestTimeoutMs,
    );
    if (!this.running) return false;
    if (answer.status !== 200 || !isRegisterResponse(answer.body)) {
      if (answer.status !== 0) this.options.log(`Registration refused by ${url}: HTTP ${answer.status}`);
      return false;
    }
    this.registeredWith = { url, masterId: answer.body.master_id };
    this.options.onRegistered(answer.body, url);
    return true;
  }

  private async locate(): Promise<string | undefined> {
    try {
      const url = await this.options.locate();
      return url === undefined || url === '' ? undefined : url.replace(/\/+$/, '');
    } catch {
      return undefined;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolveSleep) => {
      this.wake = resolveSleep;
      this.sleepTimer = setTimeout(resolveSleep, ms);
      this.sleepTimer.unref();
    });
  }

  private interruptSleep(): void {
    clearTimeout(this.sleepTimer);
    this.wake?.();
    this.wake = undefined;
  }
}
