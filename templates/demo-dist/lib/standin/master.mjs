// STAND-IN for Alluxio: NOT Alluxio. See STAND-IN.md at the top of this distribution.
//
// The stand-in `alluxio.master.AlluxioMaster`: checks that its journal is formatted, binds the RPC
// and web ports on its host, accepts worker registrations and heartbeats on the RPC port, serves a
// page and `/api/v1/master/info` on the web port, logs to `<alluxio.logs.dir>/master.log`, and exits
// 0 on SIGTERM.

import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  VERSION,
  createJsonServer,
  createLogger,
  discoverHost,
  exitCleanlyOnSignals,
  htmlPage,
  listen,
  listenAlsoOnLocalhost,
  localJournalFolder,
  loopbackAddress,
  masterRpcPort,
  rpcBindAddresses,
  sleep,
  testKnobs,
} from './common.mjs';
import { unformattedJournals } from './format.mjs';
import { electLeader, zookeeperEnabled } from './election.mjs';

export async function runMaster(conf, env = process.env) {
  const log = createLogger(conf, 'master.log', 'AlluxioMaster');
  const fail = (message) => {
    log.error(message);
    process.exit(1);
  };
  const startTimeMs = Date.now();
  const listening = [];
  let election = null;
  exitCleanlyOnSignals(log, 'Alluxio master', () => listening, () => election?.close());
  log.info(`Starting STAND-IN Alluxio master ${VERSION} (a Node program, not Alluxio) with pid ${process.pid}`);
  log.info(`alluxio.home=${conf.get('alluxio.home')}`);
  log.info(`alluxio.conf.dir=${conf.get('alluxio.conf.dir')} (site properties: ${conf.siteFile})`);
  log.info(`JAVA_HOME=${env.JAVA_HOME ?? '(unset)'} (the stand-in does not use Java)`);

  const journal = localJournalFolder(conf);
  if (journal === null) {
    fail(`Journal ${conf.get('alluxio.master.journal.folder')} is not on the local file system; the stand-in supports local journals only`);
  }
  const missing = unformattedJournals(conf);
  if (missing.length > 0) {
    fail(`Journal ${journal} has not been formatted (no format breadcrumb in ${missing.join(', ')}). Run "bin/alluxio format" first.`);
  }

  const { host, source } = discoverHost(conf, 'alluxio.master.hostname', 'ALLUXIO_MASTER_HOSTNAME', env);
  let address;
  try {
    address = await loopbackAddress(host);
  } catch (error) {
    fail(`Cannot use master hostname ${host} (from ${source}): ${error.message}`);
  }
  const rpcPort = masterRpcPort(conf);
  const webPort = conf.getInt('alluxio.master.web.port');
  log.info(`Master hostname ${host} (from ${source}), binding ${address}: rpc port ${rpcPort}, web port ${webPort}`);

  // With ZooKeeper, a master serves only once it leads (a standby listens on no port, as Alluxio's).
  let leaderSinceMs = null;
  if (zookeeperEnabled(conf)) {
    try {
      election = await electLeader(conf, `${host}:${rpcPort}`, log, (why) =>
        fail(`Stopping: ${why}; a master that cannot prove it leads must not serve`),
      );
    } catch (error) {
      fail(`Leader election through ZooKeeper failed: ${error.message}`);
    }
    leaderSinceMs = Date.now();
  }

  const knobs = testKnobs(env);
  if (knobs.startDelayMs > 0) {
    log.info(`ALLUXIO_STANDIN_START_DELAY_MS: waiting ${knobs.startDelayMs} ms before binding`);
    await sleep(knobs.startDelayMs);
  }

  /** Registered workers by id. */
  const workers = new Map();
  let nextWorkerId = 1;
  const workerView = (w) => ({ ...w, lastContactSec: Math.round((Date.now() - w.lastHeartbeatMs) / 1000) });

  const rpcRoutes = {
    'GET /': () => [200, { standIn: true, service: 'AlluxioMaster rpc', version: VERSION }],
    'POST /register': (body) => {
      if (typeof body.hostname !== 'string' || !Number.isInteger(body.rpcPort)) {
        return [400, { error: 'register needs hostname and rpcPort' }];
      }
      const existing = [...workers.values()].find((w) => w.hostname === body.hostname && w.rpcPort === body.rpcPort);
      const id = existing ? existing.id : nextWorkerId++;
      const worker = {
        id,
        hostname: body.hostname,
        rpcPort: body.rpcPort,
        dataPort: body.dataPort ?? null,
        webPort: body.webPort ?? null,
        capacity: body.capacity ?? null,
        registeredAtMs: existing ? existing.registeredAtMs : Date.now(),
        lastHeartbeatMs: Date.now(),
      };
      workers.set(id, worker);
      log.info(`${existing ? 'Re-registered' : 'Registered'} worker ${id} at ${worker.hostname}:${worker.rpcPort} (capacity ${worker.capacity})`);
      return [200, { workerId: id }];
    },
    'POST /heartbeat': (body) => {
      const worker = workers.get(body.workerId);
      if (!worker) return [404, { error: `unknown worker ${body.workerId}; register again` }];
      worker.lastHeartbeatMs = Date.now();
      return [200, { ok: true }];
    },
  };
  const rpc = createJsonServer(rpcRoutes);

  const info = () => ({
    standIn: true,
    version: VERSION,
    startTimeMs,
    uptimeMs: Date.now() - startTimeMs,
    hostname: host,
    rpcPort,
    webPort,
    journal,
    // Only a leader serves; with ZooKeeper, since when it leads (null: a single master, no election).
    leader: true,
    leaderSinceMs,
    zookeeper: zookeeperEnabled(conf) ? conf.get('alluxio.zookeeper.address') : null,
    workers: [...workers.values()].map(workerView),
  });
  const web = createJsonServer({
    'GET /': () => [
      200,
      htmlPage('Alluxio master', [
        ['Version', VERSION],
        ['Started', new Date(startTimeMs).toISOString()],
        ['Address', `${host}:${rpcPort}`],
        ['Live workers', workers.size],
        ...[...workers.values()].map((w) => [`Worker ${w.id}`, `${w.hostname}:${w.rpcPort} (${w.capacity})`]),
      ]),
    ],
    'GET /api/v1/master/info': () => [200, info()],
  });

  try {
    const bind = await rpcBindAddresses(conf, 'alluxio.master.bind.host', address);
    log.info(`Master rpc binds ${bind.address}${bind.alsoLocalhost ? ' and 127.0.0.1' : ''} (${bind.source})`);
    await listen(rpc, bind.address, rpcPort, 'master rpc');
    listening.push(rpc);
    await listenAlsoOnLocalhost(bind, () => createJsonServer(rpcRoutes), rpcPort, 'master rpc', log, listening);
    await listen(web, address, webPort, 'master web');
    listening.push(web);
  } catch (error) {
    fail(error.message);
  }

  // Every start leaves a record in the journal, so a wiped journal is visible (format removes it).
  const startsFile = join(journal, 'FileSystemMaster', 'standin-master-starts.log');
  mkdirSync(join(journal, 'FileSystemMaster'), { recursive: true });
  appendFileSync(startsFile, `${new Date(startTimeMs).toISOString()} pid=${process.pid} host=${host}\n`);

  log.info(`Alluxio master started: rpc ${host}:${rpcPort}, web http://${host}:${webPort}/`);

  if (knobs.failAfterMs > 0) {
    setTimeout(() => fail(`ALLUXIO_STANDIN_FAIL_AFTER_MS: simulated crash after ${knobs.failAfterMs} ms`), knobs.failAfterMs);
  }
}
