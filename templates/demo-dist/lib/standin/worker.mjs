// STAND-IN for Alluxio: NOT Alluxio. See STAND-IN.md at the top of this distribution.
//
// The stand-in `alluxio.worker.AlluxioWorker`: binds the RPC, data (1.x) and web ports on its host,
// logs its ramdisk quota to `<alluxio.logs.dir>/worker.log`, registers with the master at
// `alluxio.master.hostname` over HTTP (retrying until the master answers), heartbeats, registers
// again when a restarted master no longer knows it, and exits 0 on SIGTERM.

import {
  VERSION,
  createJsonServer,
  createLogger,
  discoverHost,
  exitCleanlyOnSignals,
  htmlPage,
  listen,
  listenAlsoOnLocalhost,
  loopbackAddress,
  majorVersion,
  masterRpcPort,
  rpcBindAddresses,
  sleep,
  testKnobs,
  workerRpcPort,
} from './common.mjs';
import { followLeader, zookeeperEnabled } from './election.mjs';

const REGISTER_RETRY_MS = 500;
const REQUEST_TIMEOUT_MS = 2000;

export async function runWorker(conf, env = process.env) {
  const log = createLogger(conf, 'worker.log', 'AlluxioWorker');
  const fail = (message) => {
    log.error(message);
    process.exit(1);
  };
  const listening = [];
  let stopped = false;
  let leaderWatch = null;
  exitCleanlyOnSignals(log, 'Alluxio worker', () => listening, () => {
    stopped = true;
    return leaderWatch?.stop();
  });
  log.info(`Starting STAND-IN Alluxio worker ${VERSION} (a Node program, not Alluxio) with pid ${process.pid}`);
  log.info(`alluxio.home=${conf.get('alluxio.home')}`);
  log.info(`alluxio.conf.dir=${conf.get('alluxio.conf.dir')} (site properties: ${conf.siteFile})`);
  log.info(`JAVA_HOME=${env.JAVA_HOME ?? '(unset)'} (the stand-in does not use Java)`);

  const memory = conf.get('alluxio.worker.memory.size');
  const quota = conf.get('alluxio.worker.tieredstore.level0.dirs.quota');
  log.info(
    `Ramdisk: alluxio.worker.memory.size=${memory}, level0 ${conf.get('alluxio.worker.tieredstore.level0.alias')} ` +
      `quota=${quota} at ${conf.get('alluxio.worker.tieredstore.level0.dirs.path')} (the stand-in mounts and stores nothing)`,
  );

  const { host, source } = discoverHost(conf, 'alluxio.worker.hostname', 'ALLUXIO_WORKER_HOSTNAME', env);
  // With ZooKeeper the master is whichever leads now (see election.mjs); else one fixed host.
  const highAvailability = zookeeperEnabled(conf);
  const master = highAvailability
    ? { host: null, source: `the leader in ZooKeeper ${conf.get('alluxio.zookeeper.address')}${conf.get('alluxio.zookeeper.leader.path')}` }
    : conf.isSet('alluxio.master.hostname')
      ? { host: conf.get('alluxio.master.hostname'), source: 'alluxio.master.hostname' }
      : { host, source: 'the worker host (alluxio.master.hostname is not set)' };
  let address;
  try {
    address = await loopbackAddress(host);
    if (master.host !== null) await loopbackAddress(master.host);
  } catch (error) {
    fail(`Cannot use worker host ${host} / master host ${master.host}: ${error.message}`);
  }
  const rpcPort = workerRpcPort(conf);
  // Alluxio 2.0 dropped the separate data port; a 1.x worker always binds it.
  const dataPort = majorVersion() < 2 || conf.isSet('alluxio.worker.data.port') ? conf.getInt('alluxio.worker.data.port') : null;
  const webPort = conf.getInt('alluxio.worker.web.port');
  const masterPort = masterRpcPort(conf);
  log.info(
    `Worker hostname ${host} (from ${source}), binding ${address}: rpc port ${rpcPort}` +
      `${dataPort === null ? '' : `, data port ${dataPort}`}, web port ${webPort}`,
  );
  log.info(`Master at ${master.host === null ? '(the leader)' : `${master.host}:${masterPort}`} (from ${master.source})`);

  const knobs = testKnobs(env);
  if (knobs.startDelayMs > 0) {
    log.info(`ALLUXIO_STANDIN_START_DELAY_MS: waiting ${knobs.startDelayMs} ms before binding`);
    await sleep(knobs.startDelayMs);
  }

  const state = { workerId: null, registeredAtMs: null, master: null };
  /** The master to talk to now: `host:port`, or null while no master leads. */
  const leader = highAvailability ? followLeader(conf, log) : null;
  leaderWatch = leader;
  const currentMaster = () => (leader === null ? `${master.host}:${masterPort}` : leader.current());
  const infoBody = () => ({
    standIn: true,
    version: VERSION,
    hostname: host,
    rpcPort,
    dataPort,
    webPort,
    capacity: quota,
    master: state.master ?? currentMaster(),
    workerId: state.workerId,
  });
  const rpcRoutes = { 'GET /': () => [200, { standIn: true, service: 'AlluxioWorker rpc', version: VERSION }] };
  const rpc = createJsonServer(rpcRoutes);
  const data = createJsonServer({ 'GET /': () => [200, { standIn: true, service: 'AlluxioWorker data', version: VERSION }] });
  const web = createJsonServer({
    'GET /': () => [
      200,
      htmlPage('Alluxio worker', [
        ['Version', VERSION],
        ['Address', `${host}:${rpcPort}`],
        ['Capacity', quota],
        ['Master', state.master ?? currentMaster() ?? 'no leader yet'],
        ['Worker id', state.workerId ?? 'not registered yet'],
      ]),
    ],
    'GET /api/v1/worker/info': () => [200, infoBody()],
  });
  try {
    const bind = await rpcBindAddresses(conf, 'alluxio.worker.bind.host', address);
    log.info(`Worker rpc binds ${bind.address}${bind.alsoLocalhost ? ' and 127.0.0.1' : ''} (${bind.source})`);
    await listen(rpc, bind.address, rpcPort, 'worker rpc');
    listening.push(rpc);
    await listenAlsoOnLocalhost(bind, () => createJsonServer(rpcRoutes), rpcPort, 'worker rpc', log, listening);
    if (dataPort !== null) {
      await listen(data, address, dataPort, 'worker data');
      listening.push(data);
    }
    await listen(web, address, webPort, 'worker web');
    listening.push(web);
  } catch (error) {
    fail(error.message);
  }
  log.info(`Alluxio worker started: rpc ${host}:${rpcPort}, web http://${host}:${webPort}/`);

  const post = async (target, path, body) => {
    const separator = target.lastIndexOf(':');
    const url = `http://${await loopbackAddress(target.slice(0, separator))}:${target.slice(separator + 1)}${path}`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { status: response.status, body: await response.json().catch(() => ({})) };
  };

  const register = async () => {
    let attempts = 0;
    while (!stopped) {
      attempts += 1;
      const target = currentMaster();
      try {
        if (target === null) throw new Error('no master leads yet');
        const { status, body } = await post(target, '/register', { hostname: host, rpcPort, dataPort, webPort, capacity: quota });
        if (status === 200 && Number.isInteger(body.workerId)) {
          state.workerId = body.workerId;
          state.master = target;
          log.info(`Registered with master ${target} as worker ${body.workerId} after ${attempts} attempt(s)`);
          return;
        }
        log.warn(`Master ${target} refused registration (HTTP ${status}): ${body.error ?? ''}`);
      } catch (error) {
        // Log the first failure and then every 20th, so a long wait for the master stays readable.
        if (attempts === 1 || attempts % 20 === 0) {
          log.warn(`Master ${target ?? '(none leads)'} not reachable yet (attempt ${attempts}): ${error.cause?.code ?? error.message}`);
        }
      }
      await sleep(REGISTER_RETRY_MS);
    }
  };

  const heartbeatMs = conf.getInt('alluxio.worker.block.heartbeat.interval.ms');
  const heartbeatLoop = async () => {
    await register();
    while (!stopped) {
      await sleep(heartbeatMs);
      if (stopped) return;
      // A new leader (ZooKeeper says so): register with it, as Alluxio's workers follow the leader.
      const now = currentMaster();
      if (now !== null && now !== state.master) {
        log.info(`The leading master changed from ${state.master} to ${now}; registering with it`);
        state.workerId = null;
        await register();
        continue;
      }
      try {
        const { status } = await post(state.master, '/heartbeat', { workerId: state.workerId });
        if (status === 404) {
          log.warn(`Master ${state.master} does not know worker ${state.workerId}; registering again`);
          state.workerId = null;
          await register();
        }
      } catch (error) {
        log.warn(`Heartbeat to master ${state.master} failed: ${error.cause?.code ?? error.message}`);
      }
    }
  };
  void heartbeatLoop();

  if (knobs.failAfterMs > 0) {
    setTimeout(() => fail(`ALLUXIO_STANDIN_FAIL_AFTER_MS: simulated crash after ${knobs.failAfterMs} ms`), knobs.failAfterMs);
  }
}
