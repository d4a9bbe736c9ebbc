/**
 * Finding the leading Mesos master through ZooKeeper, as Mesos' own detector does: list the
 * members under the path, take the lowest sequence, read its MasterInfo. A member can vanish
 * between the listing and the read (a leader change under our feet): then we list again. When no
 * master is registered yet we wait for one, up to the deadline. The client is always closed.
 */
import { lookup } from 'node:dns/promises';
import { createClient, Event, Exception, State, type Client } from 'node-zookeeper-client';
import { CredentialsError, OperationError, UnreachableError, UsageError } from '../../shared/errors.js';
import { describeMasterAddress, type ZooKeeperMasterAddress } from './address.js';
import { decodeMasterInfo, pickLeader, type MasterLocation } from '../protocol/master-info.js';
import { backoffDelay, type BackoffPolicy } from '../../shared/backoff.js';
import { abortReason, systemClock, type Clock } from '../../shared/clock.js';

export interface ZooKeeperOptions {
  /** How long to wait for a connection and for a leader. */
  timeoutMs: number;
  signal?: AbortSignal;
  clock?: Clock;
  /**
   * Called after the members were listed and before the leader's data is read. Only tests use it,
   * to change the leader at exactly that moment.
   */
  afterList?: (children: readonly string[]) => Promise<void> | void;
}

const RETRY_PAUSE_MS = 200;
/** A watch outlives ZooKeeper outages: retry for ever, but no faster than this. */
const WATCH_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 5_000, jitter: 'equal' };

export async function detectLeader(address: ZooKeeperMasterAddress, options: ZooKeeperOptions): Promise<MasterLocation> {
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + options.timeoutMs;
  const session = await ZooKeeperSession.open(address, options.timeoutMs, options.signal);
  try {
    for (;;) {
      const remaining = deadline - clock.now();
      if (remaining <= 0) throw noLeader(address, options.timeoutMs);
      const changed = new Signal();
      let children: string[] | undefined;
      try {
        children = await session.children(address.path, changed.fire);
        if (children === undefined && (await session.exists(address.path, changed.fire))) continue;
        const leader = pickLeader(children ?? []);
        if (leader !== undefined) {
          await options.afterList?.(children ?? []);
          const data = await session.data(`${address.path}/${leader.name}`);
          if (data !== undefined) return decodeMasterInfo(leader, data, `${describeMasterAddress(address)}/${leader.name}`);
          continue;
        }
      } catch (error) {
        if (!isConnectionLoss(error)) throw error;
        await clock.sleep(Math.min(RETRY_PAUSE_MS, remaining), options.signal);
        continue;
      }
      await changed.wait(Math.max(0, deadline - clock.now()), options.signal);
    }
  } finally {
    await session.close();
  }
}

export interface LeaderWatch {
  /** The leader now; undefined while none is registered. */
  readonly current: MasterLocation | undefined;
  close(): Promise<void>;
}

export interface WatchOptions extends ZooKeeperOptions {
  /** Errors after the first look (the watch goes on); the first look's errors are thrown. */
  onError?: (error: Error) => void;
}

/**
 * Follows the leader until closed. `onChange` hears every change after the first look (the first
 * leader is `current` of the returned watch), including `undefined` while no master leads.
 */
export async function watchLeader(
  address: ZooKeeperMasterAddress,
  onChange: (leader: MasterLocation | undefined) => void,
  options: WatchOptions,
): Promise<LeaderWatch> {
  let session = await ZooKeeperSession.open(address, options.timeoutMs, options.signal);
  let current: MasterLocation | undefined;
  let closed = false;
  let started = false;
  let queue: Promise<void> = Promise.resolve();

  const look = async (): Promise<void> => {
    if (closed) return;
    const children = await session.children(address.path, schedule);
    if (children === undefined) {
      if (await session.exists(address.path, schedule)) schedule();
      report(undefined);
      return;
    }
    const leader = pickLeader(children);
    if (leader === undefined) {
      report(undefined);
      return;
    }
    // If it vanished meanwhile, the children watch just armed fires and we look again.
    const data = await session.data(`${address.path}/${leader.name}`);
    if (data !== undefined) report(decodeMasterInfo(leader, data, `${describeMasterAddress(address)}/${leader.name}`));
  };
  const report = (leader: MasterLocation | undefined): void => {
    if (leader?.node === current?.node) return;
    current = leader;
    if (started && !closed) onChange(leader);
  };
  let failures = 0;
  const closing = new AbortController();
  function schedule(): void {
    queue = queue
      .then(look)
      .then(() => {
        failures = 0;
      })
      .catch((error: unknown) => recover(error));
  }
  /** Reports the error, waits (longer each time it repeats), renews an expired session, looks again. */
  const recover = async (error: unknown): Promise<void> => {
    if (closed) return;
    options.onError?.(error instanceof Error ? error : new Error(String(error)));
    try {
      await systemClock.sleep(backoffDelay(failures++, WATCH_BACKOFF, Math.random), closing.signal);
    } catch {
      return;
    }
    if (session.expired) {
      // An expired session has lost its watches: a new one is needed.
      try {
        await session.close();
        session = await ZooKeeperSession.open(address, options.timeoutMs);
        session.onExpired(schedule);
      } catch (reopenError) {
        options.onError?.(reopenError instanceof Error ? reopenError : new Error(String(reopenError)));
      }
    }
    schedule();
  };

  session.onExpired(schedule);
  await look().catch(async (error: unknown) => {
    await session.close();
    throw error;
  });
  started = true;

  return {
    get current() {
      return current;
    },
    async close() {
      closed = true;
      closing.abort();
      await queue.catch(() => undefined);
      await session.close();
    },
  };
}

/** One ZooKeeper client with promise-returning reads; NO_NODE reads as undefined. */
class ZooKeeperSession {
  private readonly client: Client;
  private readonly address: ZooKeeperMasterAddress;
  private closed = false;
  expired = false;

  private constructor(client: Client, address: ZooKeeperMasterAddress) {
    this.client = client;
    this.address = address;
    client.on('expired', () => {
      this.expired = true;
    });
  }

  static async open(address: ZooKeeperMasterAddress, timeoutMs: number, signal?: AbortSignal): Promise<ZooKeeperSession> {
    const client = await connectZooKeeper(address, {
      timeoutMs,
      sessionTimeoutMs: Math.max(4_000, Math.min(timeoutMs, 30_000)),
      ...(signal === undefined ? {} : { signal }),
    });
    return new ZooKeeperSession(client, address);
  }

  onExpired(listener: () => void): void {
    this.client.on('expired', listener);
  }

  children(path: string, watcher?: () => void): Promise<string[] | undefined> {
    return new Promise((resolve, reject) => {
      const callback = (error: Error | Exception | null, children: string[]): void => {
        if (error === null) resolve(children);
        else if (isNoNode(error)) resolve(undefined);
        else reject(this.translate(error, path));
      };
      if (watcher === undefined) this.client.getChildren(path, callback);
      else this.client.getChildren(path, onlyChanges(watcher), callback);
    });
  }

  data(path: string): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
      this.client.getData(path, (error, data) => {
        if (error === null) resolve(data ?? Buffer.alloc(0));
        else if (isNoNode(error)) resolve(undefined);
        else reject(this.translate(error, path));
      });
    });
  }

  exists(path: string, watcher: () => void): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.client.exists(path, onlyChanges(watcher), (error, stat) => {
        if (error === null) resolve(stat !== null);
        else reject(this.translate(error, path));
      });
    });
  }

  /** Closes the session and waits (briefly) until the client has let go of its socket. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await closeClient(this.client);
  }

  private translate(error: Error | Exception, path: string): Error {
    const where = describeMasterAddress({ ...this.address, path });
    if (error instanceof Exception && error.getCode() === Exception.NO_AUTH) {
      return new CredentialsError(`ZooKeeper denied reading ${where}`, {
        hint:
          this.address.auth === undefined
            ? 'add the digest credentials: zk://user:password@host:2181/path'
            : `check the digest user '${this.address.auth.user}' and its password`,
      });
    }
    if (isConnectionLossError(error)) return error;
    // Retriable: during a failover znodes come and go; a long-running scheduler asks again.
    return new OperationError(`ZooKeeper failed reading ${where}: ${error.message}`, { cause: error, retriable: true });
  }
}

export interface ConnectOptions {
  /** How long to wait for a session. */
  readonly timeoutMs: number;
  /** The session timeout asked of the server (it clamps it to 2..20 of its ticks). */
  readonly sessionTimeoutMs: number;
  readonly signal?: AbortSignal;
  /** Only a read-write session will do (state writers); readers accept a server cut off from its quorum. */
  readonly readWrite?: boolean;
  /** Where the zk:// address came from, for the hint of an unresolvable host (default: --master). */
  readonly source?: string;
}

/**
 * A connected node-zookeeper-client, its digest credentials added. Fails with UnreachableError (exit
 * 3) when no server answers within the timeout or no server name resolves, CredentialsError when the
 * credentials are refused; the client is closed on every failure.
 */
export async function connectZooKeeper(address: ZooKeeperMasterAddress, options: ConnectOptions): Promise<Client> {
  const { timeoutMs, signal } = options;
  const ipv6 = address.servers.find((server) => server.host.includes(':'));
  if (ipv6 !== undefined) {
    throw new UsageError(`ZooKeeper server [${ipv6.host}] is an IPv6 literal, which the ZooKeeper client cannot dial`, {
      hint: 'use a host name that resolves to it',
    });
  }
  await requireResolvableServer(address, options.source ?? '--master (or the master saved by init)');
  const connectionString = address.servers.map((server) => `${server.host}:${server.port}`).join(',');
  // A short spin delay: the whole wait is bounded by timeoutMs anyway.
  const client = createClient(connectionString, { sessionTimeout: options.sessionTimeoutMs, spinDelay: 200, retries: 0 });
  if (address.auth !== undefined) client.addAuthInfo('digest', Buffer.from(`${address.auth.user}:${address.auth.password}`, 'utf8'));

  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      client.off('connected', onConnected);
      client.off('connectedReadOnly', onConnected);
      client.off('authenticationFailed', onAuthFailed);
      if (error === undefined) resolve();
      else void closeClient(client).then(() => reject(error));
    };
    const onConnected = (): void => done();
    const onAuthFailed = (): void =>
      done(
        new CredentialsError(
          `credentials rejected by ZooKeeper at ${describeMasterAddress(address)}: sent digest user '${address.auth?.user ?? ''}'`,
        ),
      );
    const onAbort = (): void => done(abortReason(signal));
    const timer = setTimeout(
      () =>
        done(
          new UnreachableError(
            `cannot reach ZooKeeper at ${describeMasterAddress(address)}: no server answered within ${timeoutMs} ms`,
            describeMasterAddress(address),
            {
              hint: 'check the zk:// servers and ports, and that ZooKeeper is running; raise --timeout on a slow network',
            },
          ),
        ),
      timeoutMs,
    );
    client.once('connected', onConnected);
    // A server cut off from its quorum still serves reads, which is all a reader does.
    if (options.readWrite !== true) client.once('connectedReadOnly', onConnected);
    client.once('authenticationFailed', onAuthFailed);
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    client.connect();
  });
  return client;
}

/** Closes the session and waits (briefly) until the client has let go of its socket. */
export async function closeClient(client: Client): Promise<void> {
  const connected = client.getState() === State.SYNC_CONNECTED || client.getState() === State.CONNECTED_READ_ONLY;
  await new Promise<void>((resolve) => {
    // Only a live session answers the close; otherwise there is nothing to wait for.
    const timer = setTimeout(resolve, connected ? 1_000 : 0);
    client.once('disconnected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.close();
  });
  client.removeAllListeners();
}

/** Resolves when fired or after `ms`, whichever is first. */
class Signal {
  private resolve: (() => void) | undefined;
  private fired = false;
  readonly fire = (): void => {
    this.fired = true;
    this.resolve?.();
  };

  wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.fired) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(finish, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal));
      };
      function finish(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }
      this.resolve = finish;
      if (signal?.aborted === true) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Watches also fire for session events in some clients; only node events mean a change. */
function onlyChanges(watcher: () => void): (event: Event) => void {
  return (event) => {
    if (event.getType() >= Event.NODE_CREATED && event.getType() <= Event.NODE_CHILDREN_CHANGED) watcher();
  };
}

/** getaddrinfo's answers for a name that does not resolve (EAI_AGAIN: no DNS answer at all). */
const UNKNOWN_HOST_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);

/**
 * A server list none of whose names resolve can never connect: say so at once instead of after
 * --timeout. Refused or silent servers are still waited for (ZooKeeper may be restarting), and one
 * resolvable server is enough to try.
 */
async function requireResolvableServer(address: ZooKeeperMasterAddress, source: string): Promise<void> {
  const unresolved = await Promise.all(
    address.servers.map(async (server) => {
      try {
        await lookup(server.host);
        return undefined;
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        return typeof code === 'string' && UNKNOWN_HOST_CODES.has(code) ? server.host : undefined;
      }
    }),
  );
  if (unresolved.some((host) => host === undefined)) return;
  const names = unresolved.map((host) => `"${host}"`).join(', ');
  const where = describeMasterAddress(address);
  throw new UnreachableError(`cannot resolve the ZooKeeper host name${unresolved.length > 1 ? 's' : ''} ${names} of ${where}`, where, {
    hint: `check the spelling of the zk:// servers in ${source} and the DNS of this machine`,
    retriable: false,
  });
}

function noLeader(address: ZooKeeperMasterAddress, timeoutMs: number): UnreachableError {
  const where = describeMasterAddress(address);
  return new UnreachableError(`no leading Mesos master is registered in ZooKeeper at ${where} (waited ${timeoutMs} ms)`, where, {
    hint: "check that the path matches the masters' --zk flag and that a master is running",
  });
}

function isNoNode(error: Error | Exception): boolean {
  return error instanceof Exception && error.getCode() === Exception.NO_NODE;
}

function isConnectionLossError(error: Error | Exception): boolean {
  return error instanceof Exception && (error.getCode() === Exception.CONNECTION_LOSS || error.getCode() === Exception.OPERATION_TIMEOUT);
}

function isConnectionLoss(error: unknown): boolean {
  return error instanceof Error && isConnectionLossError(error);
}
