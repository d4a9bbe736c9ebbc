/**
 * A real ZooKeeper for integration tests: the Debian `zookeeper` package's jar run directly with
 * java (no system service, no log files), on 127.0.0.1 and a free port, with a temporary data
 * directory that is removed on stop. `.ci/run` installs the package.
 *
 * Outside CI a missing ZooKeeper skips the tests with a loud warning; in CI (CI set) it fails them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ACL, createClient, CreateMode, Id, Permission, type Client } from 'node-zookeeper-client';
import { createHash } from 'node:crypto';
import protobuf from 'protobufjs';
import { describeRequiring } from './ci.js';

export interface ZooKeeperServer {
  host: '127.0.0.1';
  port: number;
  /** `127.0.0.1:<port>` */
  connectString: string;
  /** The server's process, for freezing it (SIGSTOP / SIGCONT). */
  pid: number;
  /** Client connections the server holds now (its `cons` four-letter word). */
  connections(): Promise<number>;
  stop(): Promise<void>;
}

const JAR_CANDIDATES = ['/usr/share/java/zookeeper.jar', '/usr/share/zookeeper/zookeeper.jar'];

type Availability = { available: true; java: string; jar: string } | { available: false; reason: string };

function zookeeperAvailable(): Availability {
  const jar = [process.env.ZOOKEEPER_JAR, ...JAR_CANDIDATES].find(
    (candidate): candidate is string => candidate !== undefined && existsSync(candidate),
  );
  if (jar === undefined) {
    return {
      available: false,
      reason: `no ZooKeeper jar (looked for ${JAR_CANDIDATES.join(', ')}); install it with: apt-get install -y zookeeper`,
    };
  }
  const java = findJava();
  if (java === undefined)
    return { available: false, reason: 'no java on PATH or in JAVA_HOME (apt-get install -y zookeeper pulls one in)' };
  return { available: true, java, jar };
}

/**
 * `describe` when ZooKeeper can run here. Otherwise: in CI a suite that fails with the reason;
 * elsewhere a skipped suite and a warning that cannot be missed.
 */
export function describeWithZooKeeper(name: string, body: () => void): void {
  const availability = zookeeperAvailable();
  describeRequiring(name, 'ZooKeeper', availability.available ? { available: true } : availability, body);
}

export async function startZooKeeper(): Promise<ZooKeeperServer> {
  const availability = zookeeperAvailable();
  if (!availability.available) throw new Error(`cannot start ZooKeeper: ${availability.reason}`);
  let lastError: unknown;
  // The free port can be taken between our probe and ZooKeeper's bind; try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(availability.java, availability.jar);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

async function startOnce(java: string, jar: string): Promise<ZooKeeperServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'alluxio-mesos-zk-'));
  const port = await freePort();
  const config = path.join(dir, 'zoo.cfg');
  await writeFile(
    config,
    [
      'tickTime=500',
      `dataDir=${path.join(dir, 'data')}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'admin.enableServer=false',
      'maxClientCnxns=0',
      '4lw.commands.whitelist=ruok,cons',
      '',
    ].join('\n'),
  );
  const child = spawn(
    java,
    [
      '-Xmx128m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Dzookeeper.admin.enableServer=false',
      '-cp',
      jar,
      'org.apache.zookeeper.server.ZooKeeperServerMain',
      config,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));

  const stop = async (): Promise<void> => {
    await kill(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(port, child, 20_000);
  } catch (error) {
    await stop();
    throw new Error(`ZooKeeper did not start: ${(error as Error).message}\n${output}`);
  }
  // `cons` lists one line per connection, its own included (which is not a client session).
  const connections = async (): Promise<number> =>
    (await fourLetterWord(port, 'cons')).split('\n').filter((line) => line.includes('sid=')).length;
  return { host: '127.0.0.1', port, connectString: `127.0.0.1:${port}`, pid: child.pid ?? 0, connections, stop };
}

async function waitUntilServing(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`java exited with ${child.exitCode}`);
    if ((await fourLetterWord(port, 'ruok')) === 'imok') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no answer on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

function fourLetterWord(port: number, word: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on('connect', () => socket.write(word));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer.trim()));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function findJava(): string | undefined {
  const home = process.env.JAVA_HOME;
  if (home !== undefined && home !== '' && existsSync(path.join(home, 'bin', 'java'))) return path.join(home, 'bin', 'java');
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir !== '' && existsSync(path.join(dir, 'java'))) return path.join(dir, 'java');
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// MasterInfo as masters write it into ZooKeeper, encoded with protobufjs and the field numbers of
// include/mesos/mesos.proto, so that the hand-written decoder is checked against an independent
// encoder.

export interface FakeMasterInfo {
  id: string;
  /** IPv4 dotted quad; packed into MasterInfo.ip the way Mesos does. */
  ip: string;
  port: number;
  pid?: string;
  hostname?: string;
  version?: string;
  /** Omit to write a pre-0.24 MasterInfo without `address`. */
  address?: { hostname?: string; ip?: string; port: number };
}

const root = new protobuf.Root();
const Address = new protobuf.Type('Address')
  .add(new protobuf.Field('hostname', 1, 'string'))
  .add(new protobuf.Field('ip', 2, 'string'))
  .add(new protobuf.Field('port', 3, 'int32', 'required'));
const MasterInfo = new protobuf.Type('MasterInfo')
  .add(new protobuf.Field('id', 1, 'string', 'required'))
  .add(new protobuf.Field('ip', 2, 'uint32', 'required'))
  .add(new protobuf.Field('port', 3, 'uint32', 'required'))
  .add(new protobuf.Field('pid', 4, 'string'))
  .add(new protobuf.Field('hostname', 5, 'string'))
  .add(new protobuf.Field('version', 6, 'string'))
  .add(new protobuf.Field('address', 7, 'Address'));
root.define('mesos').add(Address).add(MasterInfo);

/** The in_addr bytes of `ip` read as a little-endian uint32, as MasterInfo.ip holds them. */
export function packIpv4(ip: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = ip.split('.').map(Number);
  return (a | (b << 8) | (c << 16) | (d << 24)) >>> 0;
}

export function encodeMasterInfoProtobuf(info: FakeMasterInfo): Buffer {
  const message = MasterInfo.fromObject({ ...info, ip: packIpv4(info.ip) });
  return Buffer.from(MasterInfo.encode(message).finish());
}

/** JSON as Mesos writes into `json.info_*` (its protobuf-to-JSON conversion: snake_case fields). */
export function encodeMasterInfoJson(info: FakeMasterInfo): Buffer {
  return Buffer.from(JSON.stringify({ ...info, ip: packIpv4(info.ip) }), 'utf8');
}

// ---------------------------------------------------------------------------------------------
// Playing Mesos masters in ZooKeeper: each fake master is its own session, so closing it removes
// its ephemeral node exactly as a master that dies does.

export interface FakeMasterSession {
  client: Client;
  /** The znode name, e.g. `json.info_0000000003`. */
  node: string;
  /** Ends the session: ZooKeeper removes the node, like a master that died. */
  close(): Promise<void>;
}

export async function connectClient(connectString: string, auth?: { user: string; password: string }): Promise<Client> {
  const client = createClient(connectString, { sessionTimeout: 4_000, spinDelay: 100 });
  if (auth !== undefined) client.addAuthInfo('digest', Buffer.from(`${auth.user}:${auth.password}`));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ZooKeeper session with ${connectString}`)), 10_000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.connect();
  });
  return client;
}

export function closeClient(client: Client): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    client.once('disconnected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.close();
  });
}

export function mkdirp(client: Client, path: string, acls: ACL[] = ACL.OPEN_ACL_UNSAFE): Promise<void> {
  return new Promise((resolve, reject) =>
    client.mkdirp(path, null, acls, CreateMode.PERSISTENT, (error) => (error === null ? resolve() : reject(error))),
  );
}

/** Registers a master the way Mesos does: an EPHEMERAL_SEQUENTIAL member `<label>_` under `path`. */
export async function registerMaster(
  connectString: string,
  path: string,
  info: FakeMasterInfo,
  format: 'json' | 'protobuf' = 'json',
  auth?: { user: string; password: string },
): Promise<FakeMasterSession> {
  const client = await connectClient(connectString, auth);
  const label = format === 'json' ? 'json.info_' : 'info_';
  const data = format === 'json' ? encodeMasterInfoJson(info) : encodeMasterInfoProtobuf(info);
  const acls = auth === undefined ? ACL.OPEN_ACL_UNSAFE : [new ACL(Permission.ALL, new Id('digest', digestId(auth.user, auth.password)))];
  const created = await new Promise<string>((resolve, reject) =>
    client.create(`${path}/${label}`, data, acls, CreateMode.EPHEMERAL_SEQUENTIAL, (error, name) =>
      error === null ? resolve(name) : reject(error),
    ),
  );
  let closing: Promise<void> | undefined;
  return { client, node: created.slice(created.lastIndexOf('/') + 1), close: () => (closing ??= closeClient(client)) };
}

/** ZooKeeper's digest ACL id: `user:base64(sha1("user:password"))`. */
export function digestId(user: string, password: string): string {
  return `${user}:${createHash('sha1').update(`${user}:${password}`).digest('base64')}`;
}
