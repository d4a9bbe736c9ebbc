// STAND-IN for Alluxio: NOT Alluxio. See STAND-IN.md at the top of this distribution.
//
// High-availability masters as Alluxio runs them with `alluxio.zookeeper.enabled=true`:
// - every master joins the election with an ephemeral sequential znode under
//   `alluxio.zookeeper.election.path` (its data: the master's host:rpc port); the lowest number
//   leads, the others each watch the one just before them;
// - the leader publishes its address as a znode `<host>:<rpc port>` under
//   `alluxio.zookeeper.leader.path`, where workers and clients read it (the child created last
//   leads, as Alluxio's ZkMasterInquireClient decides), and only then serves;
// - workers watch the leader path and register with whichever master it names.

import { CreateMode, ErrorCode, ZooKeeperSession, readLeader, sequenceOf } from './zookeeper.mjs';
import { sleep } from './common.mjs';

const CONNECT_RETRY_MS = 1000;

/** `alluxio.zookeeper.enabled`, as Alluxio reads a boolean. */
export function zookeeperEnabled(conf) {
  return String(conf.get('alluxio.zookeeper.enabled') ?? 'false').trim().toLowerCase() === 'true';
}

/** `alluxio.zookeeper.session.timeout` (e.g. `10s`, `3000ms`, `3000`), in milliseconds. */
function sessionTimeoutMs(conf) {
  const text = String(conf.get('alluxio.zookeeper.session.timeout') ?? '10s').trim();
  const match = /^(\d+)\s*(ms|s|sec|min|m)?$/i.exec(text);
  if (match === null) return 10_000;
  const unit = (match[2] ?? 'ms').toLowerCase();
  const factor = unit === 'ms' ? 1 : unit === 'min' || unit === 'm' ? 60_000 : 1000;
  return Number(match[1]) * factor;
}

function settings(conf) {
  return {
    address: conf.get('alluxio.zookeeper.address'),
    electionPath: conf.get('alluxio.zookeeper.election.path'),
    leaderPath: conf.get('alluxio.zookeeper.leader.path'),
    sessionTimeoutMs: sessionTimeoutMs(conf),
  };
}

/** Connects, retrying every second while ZooKeeper does not answer (it may start after us). */
async function connect(zk, log, handlers, stopped = () => false) {
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      return await ZooKeeperSession.connect(zk.address, { sessionTimeoutMs: zk.sessionTimeoutMs, ...handlers });
    } catch (error) {
      if (stopped()) throw error;
      if (attempts === 1 || attempts % 20 === 0) log.warn(`ZooKeeper ${zk.address} not reachable yet (attempt ${attempts}): ${error.message}`);
      await sleep(CONNECT_RETRY_MS);
    }
  }
}

/**
 * Takes part in the election until this master leads, then publishes its address. Resolves with
 * the session (closing it gives up leadership at once). `onLost` is called if the session is lost
 * at any time: a master that cannot prove its leadership must stop serving.
 */
export async function electLeader(conf, masterAddress, log, onLost) {
  if (!conf.get('alluxio.zookeeper.address')) throw new Error('alluxio.zookeeper.enabled=true but alluxio.zookeeper.address is not set');
  const zk = settings(conf);
  let wake = () => {};
  const session = await connect(zk, log, {
    onEvent: () => wake(),
    onLost: (reason) => onLost(`lost the ZooKeeper session (${reason})`),
  });
  await session.mkdirp(zk.electionPath);
  await session.mkdirp(zk.leaderPath);
  const created = await session.create(`${zk.electionPath}/standin-master-`, masterAddress, CreateMode.EPHEMERAL_SEQUENTIAL);
  const mine = created.slice(created.lastIndexOf('/') + 1);
  log.info(`Joined the leader election at zk://${zk.address}${zk.electionPath} as ${mine} (session ${session.id}); standby until elected`);
  let watched = null;
  for (;;) {
    const children = (await session.getChildren(zk.electionPath)).sort((a, b) => sequenceOf(a) - sequenceOf(b));
    const index = children.indexOf(mine);
    if (index < 0) throw new Error(`the election znode ${created} is gone (session expired?)`);
    if (index === 0) break;
    const predecessor = children[index - 1];
    const changed = new Promise((resolve) => {
      wake = resolve;
    });
    if ((await session.exists(`${zk.electionPath}/${predecessor}`, true)) === null) continue;
    if (predecessor !== watched) {
      watched = predecessor;
      log.info(`Standby: ${index} master${index === 1 ? '' : 's'} ahead in the election; watching ${predecessor}`);
    }
    await changed;
  }
  const published = `${zk.leaderPath}/${masterAddress}`;
  try {
    await session.delete(published);
  } catch (error) {
    if (error.code !== ErrorCode.NONODE) throw error;
  }
  await session.create(published, '', CreateMode.EPHEMERAL);
  log.info(`Gained leadership: published ${masterAddress} at zk://${zk.address}${published}`);
  return session;
}

/**
 * Keeps `current()` equal to the leading master's `host:port` as ZooKeeper says, watching the
 * leader path; reconnects when its session is lost. `onChange(leader)` is called on every change.
 */
export function followLeader(conf, log, onChange = () => {}) {
  const zk = settings(conf);
  let leader = null;
  let stopped = false;
  let session = null;
  const refresh = async () => {
    if (stopped || session === null || session.closed) return;
    try {
      const found = await readLeader(session, zk.leaderPath, true);
      if (found !== leader) {
        log.info(found === null ? `No master leads now (zk://${zk.address}${zk.leaderPath} is empty)` : `Leading master is ${found} (from zk://${zk.address}${zk.leaderPath})`);
        leader = found;
        onChange(leader);
      }
    } catch (error) {
      log.warn(`Reading the leader from ZooKeeper failed: ${error.message}`);
    }
  };
  const start = async () => {
    while (!stopped) {
      let lost;
      const ended = new Promise((resolve) => {
        lost = resolve;
      });
      session = await connect(zk, log, { onEvent: () => void refresh(), onLost: (reason) => lost(reason) }, () => stopped).catch(() => null);
      if (session === null) return;
      await refresh();
      const reason = await ended;
      if (stopped) return;
      log.warn(`ZooKeeper session lost (${reason}); reconnecting`);
    }
  };
  void start();
  return {
    current: () => leader,
    stop: async () => {
      stopped = true;
      await session?.close();
    },
  };
}
