/**
 * Ambient types for node-zookeeper-client 1.x (pure JavaScript, ships no types). Only what the
 * package really exports is declared; `Client` is an interface because the package exposes it only
 * through `createClient`. Signatures follow lib/*.js and index.js of 1.1.3.
 */
declare module 'node-zookeeper-client' {
  export interface ClientOptions {
    /** Requested session timeout in ms (the server clamps it to 2..20 ticks); default 30000. */
    sessionTimeout?: number;
    /** Delay between connection attempts in ms once every server has been tried; default 1000. */
    spinDelay?: number;
    /** Retries on CONNECTION_LOSS per operation; default 0. */
    retries?: number;
  }

  export class State {
    private constructor();
    readonly name: string;
    readonly code: number;
    getName(): string;
    getCode(): number;
    toString(): string;
    static readonly DISCONNECTED: State;
    static readonly SYNC_CONNECTED: State;
    static readonly AUTH_FAILED: State;
    static readonly CONNECTED_READ_ONLY: State;
    static readonly SASL_AUTHENTICATED: State;
    static readonly EXPIRED: State;
  }

  export class Event {
    private constructor();
    readonly type: number;
    readonly name: string;
    readonly path: string | undefined;
    getType(): number;
    getName(): string;
    getPath(): string | undefined;
    toString(): string;
    static readonly NODE_CREATED: 1;
    static readonly NODE_DELETED: 2;
    static readonly NODE_DATA_CHANGED: 3;
    static readonly NODE_CHILDREN_CHANGED: 4;
  }

  export class Exception extends Error {
    private constructor();
    readonly code: number;
    readonly path: string | undefined;
    getCode(): number;
    getName(): string;
    getPath(): string | undefined;
    toString(): string;
    static readonly OK: 0;
    static readonly SYSTEM_ERROR: -1;
    static readonly RUNTIME_INCONSISTENCY: -2;
    static readonly DATA_INCONSISTENCY: -3;
    static readonly CONNECTION_LOSS: -4;
    static readonly MARSHALLING_ERROR: -5;
    static readonly UNIMPLEMENTED: -6;
    static readonly OPERATION_TIMEOUT: -7;
    static readonly BAD_ARGUMENTS: -8;
    static readonly API_ERROR: -100;
    static readonly NO_NODE: -101;
    static readonly NO_AUTH: -102;
    static readonly BAD_VERSION: -103;
    static readonly NO_CHILDREN_FOR_EPHEMERALS: -108;
    static readonly NODE_EXISTS: -110;
    static readonly NOT_EMPTY: -111;
    static readonly SESSION_EXPIRED: -112;
    static readonly INVALID_CALLBACK: -113;
    static readonly INVALID_ACL: -114;
    static readonly AUTH_FAILED: -115;
  }

  export class Id {
    constructor(scheme: string, id: string);
    readonly scheme: string;
    readonly id: string;
    static readonly ANYONE_ID_UNSAFE: Id;
    static readonly AUTH_IDS: Id;
  }

  export class ACL {
    constructor(permission: number, id: Id);
    readonly permission: number;
    readonly id: Id;
    static readonly OPEN_ACL_UNSAFE: ACL[];
    static readonly CREATOR_ALL_ACL: ACL[];
    static readonly READ_ACL_UNSAFE: ACL[];
  }

  export const Permission: {
    readonly READ: 1;
    readonly WRITE: 2;
    readonly CREATE: 4;
    readonly DELETE: 8;
    readonly ADMIN: 16;
    readonly ALL: 31;
  };

  export const CreateMode: {
    readonly PERSISTENT: 0;
    readonly EPHEMERAL: 1;
    readonly PERSISTENT_SEQUENTIAL: 2;
    readonly EPHEMERAL_SEQUENTIAL: 3;
  };

  /** zxids and times are 8-byte big-endian buffers (JavaScript has no 64-bit integers here). */
  export interface Stat {
    czxid: Buffer;
    mzxid: Buffer;
    ctime: Buffer;
    mtime: Buffer;
    version: number;
    cversion: number;
    aversion: number;
    ephemeralOwner: Buffer;
    dataLength: number;
    numChildren: number;
    pzxid: Buffer;
  }

  export type Watcher = (event: Event) => void;
  /** `error` is an Exception for ZooKeeper errors, a plain Error otherwise. */
  export type ErrorCallback = (error: Error | Exception | null) => void;

  export type ClientEventName = 'connected' | 'connectedReadOnly' | 'disconnected' | 'expired' | 'authenticationFailed';

  /** An EventEmitter at runtime; only the events the client emits are declared. */
  export interface Client {
    connect(): void;
    close(): void;
    getState(): State;
    getSessionId(): Buffer;
    getSessionPassword(): Buffer;
    getSessionTimeout(): number;
    addAuthInfo(scheme: string, auth: Buffer): void;

    create(path: string, callback: (error: Error | Exception | null, path: string) => void): void;
    create(path: string, data: Buffer | null, callback: (error: Error | Exception | null, path: string) => void): void;
    create(path: string, data: Buffer | null, mode: number, callback: (error: Error | Exception | null, path: string) => void): void;
    create(
      path: string,
      data: Buffer | null,
      acls: ACL[],
      mode: number,
      callback: (error: Error | Exception | null, path: string) => void,
    ): void;

    remove(path: string, callback: ErrorCallback): void;
    remove(path: string, version: number, callback: ErrorCallback): void;
    removeRecursive(path: string, callback: ErrorCallback): void;

    exists(path: string, callback: (error: Error | Exception | null, stat: Stat | null) => void): void;
    exists(path: string, watcher: Watcher, callback: (error: Error | Exception | null, stat: Stat | null) => void): void;

    getChildren(path: string, callback: (error: Error | Exception | null, children: string[], stat: Stat) => void): void;
    getChildren(path: string, watcher: Watcher, callback: (error: Error | Exception | null, children: string[], stat: Stat) => void): void;

    getData(path: string, callback: (error: Error | Exception | null, data: Buffer | undefined, stat: Stat) => void): void;
    getData(
      path: string,
      watcher: Watcher,
      callback: (error: Error | Exception | null, data: Buffer | undefined, stat: Stat) => void,
    ): void;

    setData(path: string, data: Buffer | null, callback: (error: Error | Exception | null, stat: Stat) => void): void;
    setData(path: string, data: Buffer | null, version: number, callback: (error: Error | Exception | null, stat: Stat) => void): void;

    mkdirp(path: string, callback: (error: Error | Exception | null, path: string) => void): void;
    mkdirp(path: string, data: Buffer | null, callback: (error: Error | Exception | null, path: string) => void): void;
    mkdirp(
      path: string,
      data: Buffer | null,
      acls: ACL[],
      mode: number,
      callback: (error: Error | Exception | null, path: string) => void,
    ): void;

    on(event: ClientEventName, listener: () => void): this;
    on(event: 'state', listener: (state: State) => void): this;
    once(event: ClientEventName, listener: () => void): this;
    once(event: 'state', listener: (state: State) => void): this;
    off(event: ClientEventName, listener: () => void): this;
    off(event: 'state', listener: (state: State) => void): this;
    removeAllListeners(event?: ClientEventName | 'state'): this;
  }

  export function createClient(connectionString: string, options?: ClientOptions): Client;
}
