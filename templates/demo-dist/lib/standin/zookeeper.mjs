// STAND-IN for Alluxio: NOT Alluxio. See STAND-IN.md at the top of this distribution.
//
// The smallest ZooKeeper client the stand-in's leader election needs, in plain JavaScript (the
// distribution has no dependencies): ZooKeeper's own wire protocol (jute records over TCP, each
// framed by a 4-byte length) with connect, ping, create, delete, exists, getData and getChildren,
// and watch events. One session per client; when the connection is lost the session is treated as
// lost too (no resumption on another server), which is what an election must assume anyway: the
// ephemeral znodes of a session that cannot be proven alive may be gone.

import net from 'node:net';

const OP = { create: 1, delete: 2, exists: 3, getData: 4, getChildren: 8, ping: 11, closeSession: -11 };
const XID_WATCH = -1;
const XID_PING = -2;

export const CreateMode = { PERSISTENT: 0, EPHEMERAL: 1, PERSISTENT_SEQUENTIAL: 2, EPHEMERAL_SEQUENTIAL: 3 };
export const ErrorCode = { NONODE: -101, NODEEXISTS: -110, NOTEMPTY: -111 };
export const EventType = { NodeCreated: 1, NodeDeleted: 2, NodeDataChanged: 3, NodeChildrenChanged: 4 };

const ERROR_NAMES = {
  [-4]: 'CONNECTIONLOSS',
  [-101]: 'NONODE',
  [-102]: 'NOAUTH',
  [-110]: 'NODEEXISTS',
  [-111]: 'NOTEMPTY',
  [-112]: 'SESSIONEXPIRED',
};

export class ZooKeeperError extends Error {
  constructor(code, path) {
    super(`ZooKeeper ${ERROR_NAMES[code] ?? `error ${code}`}${path === undefined ? '' : ` for ${path}`}`);
    this.code = code;
  }
}

// ---------------------------------------------------------------------------------------------
// Jute records

class Writer {
  constructor() {
    this.parts = [];
  }
  int(value) {
    const b = Buffer.alloc(4);
    b.writeInt32BE(value);
    this.parts.push(b);
    return this;
  }
  long(value) {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(value));
    this.parts.push(b);
    return this;
  }
  bool(value) {
    this.parts.push(Buffer.from([value ? 1 : 0]));
    return this;
  }
  buffer(bytes) {
    if (bytes === null) return this.int(-1);
    this.int(bytes.length);
    this.parts.push(bytes);
    return this;
  }
  string(text) {
    return this.buffer(text === null ? null : Buffer.from(text, 'utf8'));
  }
  /** Length-prefixed frame of everything written. */
  frame() {
    const body = Buffer.concat(this.parts);
    const length = Buffer.alloc(4);
    length.writeInt32BE(body.length);
    return Buffer.concat([length, body]);
  }
}

class Reader {
  constructor(buffer) {
    this.buffer = buffer;
    this.offset = 0;
  }
  int() {
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  long() {
    const value = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }
  bool() {
    return this.buffer[this.offset++] !== 0;
  }
  buffer_() {
    const length = this.int();
    if (length < 0) return null;
    const bytes = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return bytes;
  }
  string() {
    const bytes = this.buffer_();
    return bytes === null ? null : bytes.toString('utf8');
  }
  stat() {
    return {
      czxid: this.long(),
      mzxid: this.long(),
      ctime: Number(this.long()),
      mtime: Number(this.long()),
      version: this.int(),
      cversion: this.int(),
      aversion: this.int(),
      ephemeralOwner: this.long(),
      dataLength: this.int(),
      numChildren: this.int(),
      pzxid: this.long(),
    };
  }
}

/** world:anyone with every permission, as Curator creates Alluxio's znodes by default. */
function openAcl(writer) {
  return writer.int(1).int(31).string('world').string('anyone');
}

// ---------------------------------------------------------------------------------------------
// The session

/** `host:port,host:port` (Alluxio's `alluxio.zookeeper.address`) into servers to try in order. */
export function parseConnectString(connectString) {
  return connectString
    .split(',')
    .map((part) => /^\[?(.+?)\]?:(\d+)$/.exec(part.trim()))
    .filter((match) => match !== null)
    .map((match) => ({ host: match[1], port: Number(match[2]) }));
}

export class ZooKeeperSession {
  /**
   * Connects to the first server of `connectString` that answers; `onEvent(event)` receives watch
   * events, `onLost(reason)` is called once when the session can no longer be trusted.
   */
  static async connect(connectString, { sessionTimeoutMs = 10_000, connectTimeoutMs = 3_000, onEvent = () => {}, onLost = () => {} } = {}) {
    const servers = parseConnectString(connectString);
    if (servers.length === 0) throw new Error(`no host:port in ZooKeeper address "${connectString}"`);
    let lastError;
    for (const server of servers) {
      try {
        const session = new ZooKeeperSession(server, onEvent, onLost);
        await session.open(sessionTimeoutMs, connectTimeoutMs);
        return session;
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error(`cannot connect to ZooKeeper at ${connectString}: ${lastError?.message ?? 'no server answered'}`);
  }

  constructor(server, onEvent, onLost) {
    this.server = server;
    this.onEvent = onEvent;
    this.onLost = onLost;
    this.pending = new Map();
    this.nextXid = 1;
    this.received = Buffer.alloc(0);
    this.closed = false;
    this.sessionId = 0n;
  }

  open(sessionTimeoutMs, connectTimeoutMs) {
    return new Promise((resolve, reject) => {
      const socket = net.connect(this.server.port, this.server.host);
      this.socket = socket;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`${this.server.host}:${this.server.port} did not answer within ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      let connected = false;
      socket.on('connect', () => {
        const request = new Writer().int(0).long(0).int(sessionTimeoutMs).long(0).buffer(Buffer.alloc(16)).bool(false);
        socket.write(request.frame());
      });
      socket.on('data', (chunk) => {
        this.received = Buffer.concat([this.received, chunk]);
        while (this.received.length >= 4) {
          const length = this.received.readInt32BE(0);
          if (this.received.length < 4 + length) break;
          const frame = this.received.subarray(4, 4 + length);
          this.received = this.received.subarray(4 + length);
          if (!connected) {
            connected = true;
            clearTimeout(timer);
            const reader = new Reader(frame);
            reader.int();
            const negotiatedTimeout = reader.int();
            this.sessionId = reader.long();
            if (negotiatedTimeout <= 0) {
              socket.destroy();
              reject(new Error('ZooKeeper refused the session'));
              return;
            }
            this.sessionTimeoutMs = negotiatedTimeout;
            this.pinger = setInterval(() => this.ping(), Math.max(200, Math.floor(negotiatedTimeout / 3)));
            resolve();
            continue;
          }
          this.dispatch(frame);
        }
      });
      const lost = (reason) => {
        clearTimeout(timer);
        if (!connected) {
          reject(new Error(`${this.server.host}:${this.server.port}: ${reason}`));
          return;
        }
        this.fail(reason);
      };
      socket.on('error', (error) => lost(error.code ?? error.message));
      socket.on('close', () => lost('connection closed'));
    });
  }

  /** The session's id as ZooKeeper prints it (hex). */
  get id() {
    return `0x${this.sessionId.toString(16)}`;
  }

  dispatch(frame) {
    const reader = new Reader(frame);
    const xid = reader.int();
    reader.long(); // zxid
    const err = reader.int();
    if (xid === XID_PING) return;
    if (xid === XID_WATCH) {
      const event = { type: reader.int(), state: reader.int(), path: reader.string() };
      this.onEvent(event);
      return;
    }
    const pending = this.pending.get(xid);
    if (pending === undefined) return;
    this.pending.delete(xid);
    if (err !== 0) pending.reject(new ZooKeeperError(err, pending.path));
    else pending.resolve(reader);
  }

  fail(reason) {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pinger);
    this.socket.destroy();
    for (const pending of this.pending.values()) pending.reject(new Error(`ZooKeeper connection lost (${reason})`));
    this.pending.clear();
    // A session closed on purpose is not lost.
    if (!this.closing) this.onLost(reason);
  }

  ping() {
    if (this.closed) return;
    this.socket.write(new Writer().int(XID_PING).int(OP.ping).frame());
  }

  request(op, path, write) {
    if (this.closed) return Promise.reject(new Error('ZooKeeper session is closed'));
    const xid = this.nextXid++;
    const writer = new Writer().int(xid).int(op);
    write(writer);
    return new Promise((resolve, reject) => {
      this.pending.set(xid, { resolve, reject, path });
      this.socket.write(writer.frame());
    });
  }

  /** Creates `path` (its parent must exist); resolves with the path created (sequential ones get their number). */
  async create(path, data, mode) {
    const reader = await this.request(OP.create, path, (w) => openAcl(w.string(path).buffer(Buffer.from(data ?? '', 'utf8'))).int(mode));
    return reader.string();
  }

  /** Creates every missing persistent znode down to `path`. */
  async mkdirp(path) {
    let current = '';
    for (const part of path.split('/').filter((segment) => segment !== '')) {
      current += `/${part}`;
      try {
        await this.create(current, '', CreateMode.PERSISTENT);
      } catch (error) {
        if (error.code !== ErrorCode.NODEEXISTS) throw error;
      }
    }
  }

  async delete(path) {
    await this.request(OP.delete, path, (w) => w.string(path).int(-1));
  }

  /** The znode's stat, or null when it does not exist; `watch` asks for one event about it. */
  async exists(path, watch = false) {
    try {
      return (await this.request(OP.exists, path, (w) => w.string(path).bool(watch))).stat();
    } catch (error) {
      if (error.code === ErrorCode.NONODE) return null;
      throw error;
    }
  }

  async getData(path, watch = false) {
    const reader = await this.request(OP.getData, path, (w) => w.string(path).bool(watch));
    const data = reader.buffer_();
    return { data: data === null ? '' : data.toString('utf8'), stat: reader.stat() };
  }

  async getChildren(path, watch = false) {
    const reader = await this.request(OP.getChildren, path, (w) => w.string(path).bool(watch));
    const count = reader.int();
    const children = [];
    for (let i = 0; i < count; i += 1) children.push(reader.string());
    return children;
  }

  /** Ends the session: ZooKeeper removes its ephemeral znodes at once. */
  async close() {
    if (this.closed) return;
    this.closing = true;
    try {
      await Promise.race([this.request(OP.closeSession, undefined, () => {}), new Promise((r) => setTimeout(r, 1000))]);
    } catch {
      // Closing anyway.
    }
    this.closed = true;
    clearInterval(this.pinger);
    this.socket.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Alluxio's use of it

/**
 * The leading master's `host:port`, read the way Alluxio's ZkMasterInquireClient reads it: the
 * children of the leader path are masters' addresses, and the one created last leads. Null when no
 * master leads now.
 */
export async function readLeader(session, leaderPath, watch = false) {
  let children;
  try {
    children = await session.getChildren(leaderPath, watch);
  } catch (error) {
    if (error.code !== ErrorCode.NONODE) throw error;
    // No master has created the path yet: watch for its creation instead.
    if (watch && (await session.exists(leaderPath, true)) !== null) return readLeader(session, leaderPath, watch);
    return null;
  }
  let leader = null;
  let newest = -1;
  for (const child of children) {
    const stat = await session.exists(`${leaderPath}/${child}`);
    if (stat !== null && stat.ctime > newest) {
      newest = stat.ctime;
      leader = child;
    }
  }
  return leader;
}

/** The sequence number ZooKeeper appended to a sequential znode's name. */
export function sequenceOf(name) {
  return Number(/(\d{10})$/.exec(name)?.[1] ?? Number.MAX_SAFE_INTEGER);
}
