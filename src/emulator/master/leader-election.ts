/**
 * Master election through ZooKeeper, the way Mesos' ZooKeeper contender and detector do it: every
 * master joins the group under the `zk://` path as an EPHEMERAL_SEQUENTIAL `json.info_<seq>` znode
 * holding its MasterInfo as JSON; the member with the lowest sequence leads. A master whose session
 * expires has lost its membership: it steps down and joins again.
 */
import { createClient, CreateMode, Event, type Client, type Exception } from 'node-zookeeper-client';
import type { MasterInfo } from '../../mesos/protocol/types.js';
import { parseMasterAddress, type ZooKeeperMasterAddress } from '../../mesos/client/address.js';
import { parseMembership, pickLeader } from '../../mesos/protocol/master-info.js';
import { UnreachableError, UsageError } from '../../shared/errors.js';

export interface LeaderElectionOptions {
  /** `zk://host:port[,host:port]/path` */
  readonly zk: string;
  readonly masterInfo: MasterInfo;
  /** Every change of the known leader; `elected` is true when it is this master. */
  readonly onChange: (leader: MasterInfo | undefined, elected: boolean) => void;
  readonly sessionTimeoutMs?: number;
  /** How long to wait for the first connection (default 15 s). */
  readonly connectTimeoutMs?: number;
  readonly log?: (message: string) => void;
}

/** The membership label real Mesos masters use for JSON MasterInfo. */
const MASTER_INFO_JSON_LABEL = 'json.info';

function parseZooKeeperUrl(zk: string): ZooKeeperMasterAddress {
  const address = parseMasterAddress(zk);
  if (address.kind !== 'zk') throw new UsageError(`--zk "${zk}" is not a zk:// URL`, { hint: 'e.g. --zk zk://127.0.0.1:2181/mesos' });
  return address;
}

/** MasterInfo as Mesos writes it into the znode (`JSON::protobuf(MasterInfo)`, field order). */
function masterInfoJson(info: MasterInfo): string {
  return JSON.stringify({
    id: info.id,
    ip: info.ip,
    port: info.port,
    ...(info.pid === undefined ? {} : { pid: info.pid }),
    ...(info.hostname === undefined ? {} : { hostname: info.hostname }),
    ...(info.version === undefined ? {} : { version: info.version }),
    ...(info.address === undefined ? {} : { address: info.address }),
    ...(info.capabilities === undefined ? {} : { capabilities: info.capabilities }),
  });
}

function call<T>(fn: (cb: (error: Error | Exception | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));
}

export class ZooKeeperLeaderElection {
  private readonly address: ZooKeeperMasterAddress;
  private client: Client | undefined;
  private memberPath: string | undefined;
  private stopped = false;
  private leaderNode: string | undefined;
  private lookQueue: Promise<void> = Promise.resolve();

  constructor(private readonly options: LeaderElectionOptions) {
    this.address = parseZooKeeperUrl(options.zk);
  }

  /** Our znode, e.g. `/mesos/json.info_0000000003` (after `start`). */
  get membership(): string | undefined {
    return this.memberPath;
  }

  async start(): Promise<void> {
    await this.join();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.lookQueue.catch(() => undefined);
    this.client?.close();
    this.client = undefined;
    this.memberPath = undefined;
  }

  private async join(): Promise<void> {
    const connection = this.address.servers.map((s) => `${s.host}:${s.port}`).join(',');
    const client = createClient(connection, { sessionTimeout: this.options.sessionTimeoutMs ?? 10_000, spinDelay: 200 });
    this.client = client;
    if (this.address.auth !== undefined) {
      client.addAuthInfo('digest', Buffer.from(`${this.address.auth.user}:${this.address.auth.password}`, 'utf8'));
    }
    const timeoutMs = this.options.connectTimeoutMs ?? 15_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.close();
        reject(
          new UnreachableError(`cannot reach ZooKeeper at ${connection} within ${timeoutMs} ms`, connection, {
            hint: 'check that ZooKeeper runs and that --zk names it',
            retriable: true,
          }),
        );
      }, timeoutMs);
      client.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
      client.connect();
    });
    client.on('expired', () => {
      if (this.stopped || this.client !== client) return;
      this.options.log?.('ZooKeeper session expired: lost leadership, joining again');
      client.close();
      this.leaderNode = undefined;
      this.memberPath = undefined;
      this.options.onChange(undefined, false);
      void this.join().catch((error: unknown) => this.options.log?.(`rejoining failed: ${String(error)}`));
    });
    await call<string>((cb) => client.mkdirp(this.address.path, cb));
    this.memberPath = await call<string>((cb) =>
      client.create(
        `${this.address.path}/${MASTER_INFO_JSON_LABEL}_`,
        Buffer.from(masterInfoJson(this.options.masterInfo), 'utf8'),
        CreateMode.EPHEMERAL_SEQUENTIAL,
        cb,
      ),
    );
    this.options.log?.(`Joined the master group as ${this.memberPath}`);
    await this.look(client);
  }

  private schedule(client: Client): void {
    this.lookQueue = this.lookQueue
      .then(() => this.look(client))
      .catch((error: unknown) => {
        this.options.log?.(`leader detection failed: ${String(error)}`);
      });
  }

  private async look(client: Client): Promise<void> {
    if (this.stopped || this.client !== client) return;
    const children = await call<string[]>((cb) =>
      client.getChildren(
        this.address.path,
        (event) => {
          if (event.getType() === Event.NODE_CHILDREN_CHANGED) this.schedule(client);
        },
        cb,
      ),
    );
    const leader = pickLeader(children.filter((c) => parseMembership(c) !== undefined));
    if (leader === undefined) {
      this.report(undefined, undefined);
      return;
    }
    const own = this.memberPath?.slice(this.address.path.length + 1);
    if (leader.name === own) {
      this.report(leader.name, this.options.masterInfo);
      return;
    }
    const data = await call<Buffer | undefined>((cb) => client.getData(`${this.address.path}/${leader.name}`, cb)).catch(() => undefined);
    if (data === undefined) {
      // It vanished between listing and reading; the children watch brings us back here.
      return;
    }
    try {
      this.report(leader.name, parseMasterInfo(data, leader.label));
    } catch {
      this.report(leader.name, undefined);
    }
  }

  private report(node: string | undefined, leader: MasterInfo | undefined): void {
    if (node === this.leaderNode && node !== undefined) return;
    this.leaderNode = node;
    const own = this.memberPath?.slice(this.address.path.length + 1);
    const elected = node !== undefined && node === own;
    this.options.log?.(elected ? 'Elected as the leading master' : `Leading master: ${leader?.pid ?? 'none'}`);
    this.options.onChange(leader, elected);
  }
}

function parseMasterInfo(data: Buffer, label: string | undefined): MasterInfo {
  if (label !== 'json.info') throw new Error('only JSON MasterInfo is understood here');
  const json = JSON.parse(data.toString('utf8')) as MasterInfo;
  if (typeof json.port !== 'number') throw new Error('no port');
  return json;
}
