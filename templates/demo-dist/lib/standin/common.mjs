// STAND-IN for Alluxio: NOT Alluxio. See STAND-IN.md at the top of this distribution.
//
// Shared pieces of the stand-in master and worker: Alluxio-style configuration (site properties,
// `-D` overrides, `${key}` substitution, the defaults that matter for the launch contract), logging
// in the shape of Alluxio's log4j files, loopback-only host discovery, and a tiny JSON HTTP server.
// Plain JavaScript for Node >= 20 with no dependencies, so the distribution works wherever `node` runs.

import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VERSION = '@ALLUXIO_VERSION@';

/** The distribution root, for runs that were not given `-Dalluxio.home` (the scripts always give it). */
const MODULE_HOME = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The defaults of the keys the stand-in reads, as in Alluxio 1.x `PropertyKey`. Both the 1.x and the
 * 2.x spelling of the RPC ports are understood (see `rpcPort`).
 */
const DEFAULTS = {
  'alluxio.version': VERSION,
  'alluxio.conf.dir': '${alluxio.home}/conf',
  'alluxio.logs.dir': '${alluxio.home}/logs',
  'alluxio.work.dir': '${alluxio.home}',
  'alluxio.master.journal.folder': '${alluxio.work.dir}/journal',
  'alluxio.master.format.file_prefix': '_format_',
  'alluxio.master.web.port': '19999',
  'alluxio.worker.web.port': '30000',
  'alluxio.worker.data.port': '29999',
  'alluxio.worker.memory.size': '1GB',
  'alluxio.worker.tieredstore.level0.alias': 'MEM',
  'alluxio.worker.tieredstore.level0.dirs.path': '/mnt/ramdisk',
  'alluxio.worker.tieredstore.level0.dirs.quota': '${alluxio.worker.memory.size}',
  'alluxio.worker.block.heartbeat.interval.ms': '1000',
  'alluxio.zookeeper.enabled': 'false',
  'alluxio.zookeeper.election.path': '/election',
  'alluxio.zookeeper.leader.path': '/leader',
};

/** The master services whose journals `Format master` creates (a subset of Alluxio 1.8's). */
export const JOURNALED_MASTERS = ['BlockMaster', 'FileSystemMaster', 'MetaMaster'];

// ---------------------------------------------------------------------------------------------
// Java .properties
// ---------------------------------------------------------------------------------------------

/** Parses Java `.properties` text: comments, `=`/`:`/blank separators, continuations, escapes. */
export function parseProperties(text) {
  const result = new Map();
  const physical = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < physical.length; i += 1) {
    let line = physical[i].replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // A line ending in an odd number of backslashes continues on the next one.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < physical.length) {
      i += 1;
      line = line.slice(0, -1) + physical[i].replace(/^[ \t\f]+/, '');
    }
    let keyEnd = 0;
    while (keyEnd < line.length) {
      const c = line[keyEnd];
      if (c === '\\') keyEnd += 2;
      else if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
      else keyEnd += 1;
    }
    const key = unescapeProperty(line.slice(0, keyEnd));
    let rest = line.slice(keyEnd).replace(/^[ \t\f]+/, '');
    if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]+/, '');
    result.set(key, unescapeProperty(rest));
  }
  return result;
}

function unescapeProperty(s) {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return { t: '\t', n: '\n', r: '\r', f: '\f' }[e] ?? e;
  });
}

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/**
 * Alluxio's precedence: JVM `-D` system properties, then `alluxio-site.properties` in the conf dir,
 * then defaults. `alluxio.conf.dir` / `alluxio.logs.dir` also honour `ALLUXIO_CONF_DIR` /
 * `ALLUXIO_LOGS_DIR` when no `-D` gives them (the scripts always pass `-D`).
 */
export class Configuration {
  constructor(systemProperties, env = process.env) {
    this.system = new Map(systemProperties);
    this.env = env;
    this.site = new Map();
    if (!this.system.has('alluxio.home')) this.system.set('alluxio.home', env.ALLUXIO_HOME || MODULE_HOME);
    if (!this.system.has('alluxio.conf.dir') && env.ALLUXIO_CONF_DIR) {
      this.system.set('alluxio.conf.dir', env.ALLUXIO_CONF_DIR);
    }
    if (!this.system.has('alluxio.logs.dir') && env.ALLUXIO_LOGS_DIR) {
      this.system.set('alluxio.logs.dir', env.ALLUXIO_LOGS_DIR);
    }
    this.siteFile = join(this.get('alluxio.conf.dir'), 'alluxio-site.properties');
    this.site = existsSync(this.siteFile) ? parseProperties(readFileSync(this.siteFile, 'utf8')) : new Map();
  }

  /** True when a user gave the key (site file or `-D`), as opposed to a default. */
  isSet(key) {
    return this.system.has(key) || this.site.has(key);
  }

  raw(key) {
    if (this.system.has(key)) return this.system.get(key);
    if (this.site.has(key)) return this.site.get(key);
    return DEFAULTS[key];
  }

  /** The value with `${key}` references substituted; undefined when unset and without default. */
  get(key, seen = new Set()) {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (seen.has(key)) throw new Error(`Circular \${...} reference through ${key}`);
    const next = new Set(seen).add(key);
    return value.replace(/\$\{([^}]+)\}/g, (whole, ref) => this.get(ref.trim(), next) ?? whole);
  }

  getInt(key) {
    const value = this.get(key);
    const n = Number.parseInt(value ?? '', 10);
    if (!Number.isInteger(n)) throw new Error(`${key} must be an integer, got "${value}"`);
    return n;
  }

  /** The first key of `keys` that is set, else `fallback` (1.x and 2.x spellings of one setting). */
  firstSet(keys, fallback) {
    for (const key of keys) if (this.isSet(key)) return this.get(key);
    return fallback;
  }

  all() {
    const keys = new Set([...Object.keys(DEFAULTS), ...this.site.keys(), ...this.system.keys()]);
    return [...keys].sort().map((key) => [key, this.get(key)]);
  }
}

/** Master RPC port: 2.x `alluxio.master.rpc.port`, else 1.x `alluxio.master.port`, else 19998. */
export function masterRpcPort(conf) {
  return Number(conf.firstSet(['alluxio.master.rpc.port', 'alluxio.master.port'], '19998'));
}

/** Worker RPC port: 2.x `alluxio.worker.rpc.port`, else 1.x `alluxio.worker.port`, else 29998. */
export function workerRpcPort(conf) {
  return Number(conf.firstSet(['alluxio.worker.rpc.port', 'alluxio.worker.port'], '29998'));
}

export function majorVersion() {
  return Number.parseInt(VERSION.split('.')[0] ?? '1', 10) || 1;
}

/** A journal folder on the local file system, or null when it is a URI of another file system. */
export function localJournalFolder(conf) {
  const folder = conf.get('alluxio.master.journal.folder');
  if (folder.startsWith('file://')) return folder.slice('file://'.length);
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(folder)) return null;
  return resolve(folder);
}

// ---------------------------------------------------------------------------------------------
// Logging
// ---------------------------------------------------------------------------------------------

function timestamp(d = new Date()) {
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`
  );
}

/**
 * Writes `<logs dir>/<file>` like Alluxio's log4j layout. Synchronous appends: the volume is tiny,
 * and a line written right before `process.exit` must not be lost. `Console` logger types (as used
 * by the format command) print to stdout instead; errors also go to stderr so that the Mesos
 * sandbox's `stderr` says why a task failed.
 */
export function createLogger(conf, file, source) {
  const loggerType = conf.get('alluxio.logger.type') ?? 'Console';
  const toConsole = loggerType.split(',').some((t) => t.trim() === 'Console');
  const toFile = loggerType.split(',').some((t) => t.trim() !== 'Console');
  const logsDir = conf.get('alluxio.logs.dir');
  const path = join(logsDir, file);
  if (toFile) mkdirSync(logsDir, { recursive: true });
  const write = (level, message) => {
    const line = `${timestamp()} ${level.padEnd(5)} ${source} - ${message}\n`;
    if (toFile) appendFileSync(path, line);
    if (toConsole) process.stdout.write(line);
    if (level === 'ERROR' && !toConsole) process.stderr.write(line);
  };
  return {
    path: toFile ? path : null,
    info: (m) => write('INFO', m),
    warn: (m) => write('WARN', m),
    error: (m) => write('ERROR', m),
  };
}

// ---------------------------------------------------------------------------------------------
// Hosts
// ---------------------------------------------------------------------------------------------

/**
 * Where a stand-in process lives. In order: the Alluxio property (`alluxio.master.hostname` /
 * `alluxio.worker.hostname`), the matching env var (`ALLUXIO_MASTER_HOSTNAME` /
 * `ALLUXIO_WORKER_HOSTNAME`), `LIBPROCESS_IP` and the host of `MESOS_AGENT_ENDPOINT` (both set by
 * Mesos agents for the processes they run), then 127.0.0.1.
 */
export function discoverHost(conf, key, envName, env = process.env) {
  if (conf.isSet(key) && conf.get(key)) return { host: conf.get(key), source: key };
  if (env[envName]) return { host: env[envName], source: envName };
  if (env.LIBPROCESS_IP) return { host: env.LIBPROCESS_IP, source: 'LIBPROCESS_IP' };
  const endpoint = env.MESOS_AGENT_ENDPOINT;
  if (endpoint) {
    const host = endpoint.replace(/^\[/, '').replace(/\]?:\d+$/, '');
    if (host) return { host, source: 'MESOS_AGENT_ENDPOINT' };
  }
  return { host: '127.0.0.1', source: 'default' };
}

/**
 * The stand-in only ever listens on and talks to loopback addresses: it exists for a local demo and
 * for tests, and must never open a port on a real network interface.
 */
export async function loopbackAddress(host) {
  const { address } = await lookup(host, { family: 4 });
  if (!address.startsWith('127.')) {
    throw new Error(
      `${host} resolves to ${address}; the stand-in binds and connects to loopback (127.x.x.x) addresses only`,
    );
  }
  return address;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * Where the RPC port listens, from `alluxio.<role>.bind.host`. Unset: the host's own address (a real
 * Alluxio binds every interface; the stand-in never opens a port beyond loopback, and several agents
 * may share one host). A wildcard: the host's address plus 127.0.0.1 when that port is free there,
 * which is where a real Alluxio bound to every interface is reached too (Mesos' TCP health check
 * connects to 127.0.0.1). Any other value must be a loopback address, and is used as it is.
 */
export async function rpcBindAddresses(conf, key, hostAddress) {
  const value = conf.isSet(key) ? conf.get(key).trim() : '';
  if (value === '') return { address: hostAddress, alsoLocalhost: false, source: 'the host address' };
  if (WILDCARD_HOSTS.has(value)) return { address: hostAddress, alsoLocalhost: hostAddress !== '127.0.0.1', source: `${key}=${value}` };
  return { address: await loopbackAddress(value), alsoLocalhost: false, source: `${key}=${value}` };
}

/** Listens on 127.0.0.1 as well when the bind host was a wildcard; a taken port only warns. */
export async function listenAlsoOnLocalhost(bind, makeServer, port, what, log, listening) {
  if (!bind.alsoLocalhost) return;
  const server = makeServer();
  try {
    await listen(server, '127.0.0.1', port, what);
    listening.push(server);
  } catch (error) {
    log.warn(`${error.message}; listening on ${bind.address} only`);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

/** A JSON/HTML server from a route table `{ 'GET /path': (body, req) => [status, body] }`. */
export function createJsonServer(routes) {
  return createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const handler = routes[`${req.method} ${path}`];
      let status = 404;
      let payload = { error: `no route ${req.method} ${path}` };
      if (handler) {
        try {
          const text = Buffer.concat(chunks).toString('utf8');
          [status, payload] = handler(text ? JSON.parse(text) : {}, req);
        } catch (error) {
          status = 400;
          payload = { error: String(error && error.message ? error.message : error) };
        }
      }
      const isHtml = typeof payload === 'string';
      const body = isHtml ? payload : JSON.stringify(payload);
      res.writeHead(status, {
        'content-type': isHtml ? 'text/html; charset=utf-8' : 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    });
  });
}

/** Listens or rejects with a message that names the port, the host and the cause. */
export function listen(server, host, port, what) {
  return new Promise((resolvePromise, reject) => {
    const onError = (error) => {
      const reason =
        error.code === 'EADDRINUSE'
          ? 'address already in use (EADDRINUSE)'
          : error.code === 'EADDRNOTAVAIL'
            ? 'address not available on this host (EADDRNOTAVAIL)'
            : `${error.code ?? ''} ${error.message}`.trim();
      reject(new Error(`Failed to bind ${what} port ${port} on ${host}: ${reason}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolvePromise();
    });
  });
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Test knobs (documented in STAND-IN.md): a slow start and a crash after some time. */
export function testKnobs(env = process.env) {
  const ms = (name) => {
    const n = Number(env[name]);
    return Number.isFinite(n) && n > 0 ? n : 0;
  };
  return { startDelayMs: ms('ALLUXIO_STANDIN_START_DELAY_MS'), failAfterMs: ms('ALLUXIO_STANDIN_FAIL_AFTER_MS') };
}

/**
 * Logs "Stopping", closes the servers and exits 0 on SIGTERM/SIGINT, as Alluxio's shutdown hook
 * does. Installed before anything else, so that a kill during start-up also ends cleanly;
 * `servers()` returns whatever is listening at that moment.
 */
export function exitCleanlyOnSignals(log, name, servers, beforeExit = () => {}) {
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    log.info(`Stopping ${name} (received ${signal})`);
    for (const server of servers()) {
      server.closeAllConnections?.();
      server.close();
    }
    // E.g. closing a ZooKeeper session, so that a standby takes over at once; never for long.
    await Promise.race([Promise.resolve(beforeExit()).catch(() => {}), sleep(1000)]);
    log.info(`${name} stopped`);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

export function htmlPage(title, rows) {
  const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const body = rows.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`).join('\n');
  return (
    `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escape(title)} (STAND-IN)</title></head>\n` +
    `<body><h1>${escape(title)}: STAND-IN, not Alluxio</h1>\n` +
    `<p>This is a tiny stand-in used by alluxio-mesos for demos and tests. It stores no data.</p>\n` +
    `<table>\n${body}\n</table></body></html>\n`
  );
}
