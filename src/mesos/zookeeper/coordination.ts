/**
 * The few ZooKeeper operations that coordination needs (leader election, versioned compare-and-set)
 * as a promise interface, so that election and CAS logic can be tested against a fake, and one
 * implementation over node-zookeeper-client. Reads of a missing node answer undefined; a write with
 * a stale version rejects with VersionConflictError, never overwrites.
 */
import { CreateMode, Event, Exception, State, type Client } from 'node-zookeeper-client';
import { CredentialsError, OperationError, UnreachableError } from '../../shared/errors.js';
import { describeMasterAddress, type ZooKeeperMasterAddress } from '../client/address.js';
import { closeClient, connectZooKeeper } from '../client/zookeeper.js';

export interface VersionedData {
  readonly data: Buffer;
  /** The znode's data version, for the next compare-and-set. */
  readonly version: number;
}

/** What a session goes through: a lost connection may come back (same session) or expire. */
export type SessionEvent = 'disconnected' | 'reconnected' | 'expired';

export interface CoordinationClient {
  /** The session timeout the server granted (ms). */
  readonly sessionTimeoutMs: number;
  /** Whether the session is connected right now. */
  readonly connected: boolean;
  /** Creates the node and its missing parents, empty; no-op when it exists. */
  mkdirp(path: string): Promise<void>;
  /** Creates `prefix` + a sequence number, deleted when this session ends; returns its name (last segment). */
  createEphemeralSequential(prefix: string, data: Buffer): Promise<string>;
  /** Creates a persistent node with `data`; rejects with VersionConflictError when it already exists. */
  create(path: string, data: Buffer): Promise<void>;
  read(path: string): Promise<VersionedData | undefined>;
  /** Writes `data` if the node's version is still `version`; returns the new version. */
  write(path: string, data: Buffer, version: number): Promise<number>;
  /** Child names, unordered; undefined when the node does not exist. `watch` fires once on a change. */
  children(path: string, watch?: () => void): Promise<string[] | undefined>;
  /** Whether the node exists; `watch` fires once when it is created, changed or deleted. */
  exists(path: string, watch?: () => void): Promise<boolean>;
  /** Deletes the node (at `version` when given); false when it did not exist. */
  remove(path: string, version?: number): Promise<boolean>;
  /** Subscribes to session events; returns the unsubscribe function. */
  onSession(listener: (event: SessionEvent) => void): () => void;
  close(): Promise<void>;
}

/** Someone else wrote (or created, or deleted) the node since we last read it. */
export class VersionConflictError extends OperationError {
  readonly path: string;
  constructor(path: string, detail: string) {
    super(`ZooKeeper node ${path} ${detail}`);
    this.path = path;
  }
}

export interface OpenCoordinationOptions {
  readonly timeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly signal?: AbortSignal;
  /** Where the address came from, for error hints (e.g. "--state (or the state saved by init)"). */
  readonly source: string;
}

/** Connects a read-write session; UnreachableError (exit 3) when no server answers in time. */
export async function openCoordinationClient(
  address: ZooKeeperMasterAddress,
  options: OpenCoordinationOptions,
): Promise<CoordinationClient> {
  const client = await connectZooKeeper(address, {
    timeoutMs: options.timeoutMs,
    sessionTimeoutMs: options.sessionTimeoutMs,
    readWrite: true,
    source: options.source,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return new ZooKeeperCoordination(client, address);
}

class ZooKeeperCoordination implements CoordinationClient {
  private closed = false;

  constructor(
    private readonly client: Client,
    private readonly address: ZooKeeperMasterAddress,
  ) {}

  get sessionTimeoutMs(): number {
    return this.client.getSessionTimeout();
  }

  get connected(): boolean {
    return this.client.getState() === State.SYNC_CONNECTED;
  }

  mkdirp(path: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.client.mkdirp(path, (error) => (error === null ? resolve() : reject(this.translate(error, path, 'creating')))),
    );
  }

  createEphemeralSequential(prefix: string, data: Buffer): Promise<string> {
    return new Promise((resolve, reject) =>
      this.client.create(prefix, data, CreateMode.EPHEMERAL_SEQUENTIAL, (error, created) =>
        error === null ? resolve(created.slice(created.lastIndexOf('/') + 1)) : reject(this.translate(error, prefix, 'creating')),
      ),
    );
  }

  create(path: string, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.client.create(path, data, CreateMode.PERSISTENT, (error) => {
        if (error === null) resolve();
        else if (codeOf(error) === Exception.NODE_EXISTS) reject(new VersionConflictError(path, 'was created by someone else'));
        else reject(this.translate(error, path, 'creating'));
      }),
    );
  }

  read(path: string): Promise<VersionedData | undefined> {
    return new Promise((resolve, reject) =>
      this.client.getData(path, (error, data, stat) => {
        if (error === null) resolve({ data: data ?? Buffer.alloc(0), version: stat.version });
        else if (codeOf(error) === Exception.NO_NODE) resolve(undefined);
        else reject(this.translate(error, path, 'reading'));
      }),
    );
  }

  write(path: string, data: Buffer, version: number): Promise<number> {
    return new Promise((resolve, reject) =>
      this.client.setData(path, data, version, (error, stat) => {
        if (error === null) resolve(stat.version);
        else if (codeOf(error) === Exception.BAD_VERSION)
          reject(new VersionConflictError(path, `was written by someone else (expected version ${version})`));
        else if (codeOf(error) === Exception.NO_NODE) reject(new VersionConflictError(path, 'was deleted by someone else'));
        else reject(this.translate(error, path, 'writing'));
      }),
    );
  }

  children(path: string, watch?: () => void): Promise<string[] | undefined> {
    return new Promise((resolve, reject) => {
      const callback = (error: Error | Exception | null, children: string[]): void => {
        if (error === null) resolve(children);
        else if (codeOf(error) === Exception.NO_NODE) resolve(undefined);
        else reject(this.translate(error, path, 'listing'));
      };
      if (watch === undefined) this.client.getChildren(path, callback);
      else this.client.getChildren(path, onlyNodeEvents(watch), callback);
    });
  }

  exists(path: string, watch?: () => void): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const callback = (error: Error | Exception | null, stat: unknown): void => {
        if (error === null) resolve(stat !== null && stat !== undefined);
        else reject(this.translate(error, path, 'reading'));
      };
      if (watch === undefined) this.client.exists(path, callback);
      else this.client.exists(path, onlyNodeEvents(watch), callback);
    });
  }

  remove(path: string, version = -1): Promise<boolean> {
    return new Promise((resolve, reject) =>
      this.client.remove(path, version, (error) => {
        if (error === null) resolve(true);
        else if (codeOf(error) === Exception.NO_NODE) resolve(false);
        else if (codeOf(error) === Exception.BAD_VERSION)
          reject(new VersionConflictError(path, `was written by someone else (expected version ${version})`));
        else reject(this.translate(error, path, 'deleting'));
      }),
    );
  }

  onSession(listener: (event: SessionEvent) => void): () => void {
    const disconnected = (): void => listener('disconnected');
    const reconnected = (): void => listener('reconnected');
    const expired = (): void => listener('expired');
    this.client.on('disconnected', disconnected);
    this.client.on('connected', reconnected);
    this.client.on('expired', expired);
    return () => {
      this.client.off('disconnected', disconnected);
      this.client.off('connected', reconnected);
      this.client.off('expired', expired);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await closeClient(this.client);
  }

  private translate(error: Error | Exception, path: string, doing: string): Error {
    const where = describeMasterAddress({ ...this.address, path });
    const code = codeOf(error);
    if (code === Exception.NO_AUTH) {
      return new CredentialsError(`ZooKeeper denied ${doing} ${where}`, {
        hint:
          this.address.auth === undefined
            ? 'add the digest credentials: zk://user:password@host:2181/path'
            : `check the digest user '${this.address.auth.user}' and its password`,
      });
    }
    if (code === Exception.CONNECTION_LOSS || code === Exception.OPERATION_TIMEOUT || code === Exception.SESSION_EXPIRED) {
      return new UnreachableError(
        `lost the ZooKeeper connection while ${doing} ${where}: ${error.message}`,
        describeMasterAddress(this.address),
        {
          cause: error,
        },
      );
    }
    return new OperationError(`ZooKeeper failed ${doing} ${where}: ${error.message}`, { cause: error, retriable: true });
  }
}

function codeOf(error: Error | Exception): number | undefined {
  return error instanceof Exception ? error.getCode() : undefined;
}

/** Watches also fire for session events; only node events mean a change. */
function onlyNodeEvents(watch: () => void): (event: Event) => void {
  return (event) => {
    if (event.getType() >= Event.NODE_CREATED && event.getType() <= Event.NODE_CHILDREN_CHANGED) watch();
  };
}
