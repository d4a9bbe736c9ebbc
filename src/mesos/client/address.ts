/**
 * Parses the `--master` value into one of the four address forms. Every malformed input is a
 * UsageError (exit 2) whose hint shows the accepted forms, so a typo never turns into a network
 * call against something the user did not mean.
 */
import { isIP } from 'node:net';
import { UsageError } from '../../shared/errors.js';
import { printable } from '../../shared/printable.js';
import { maskUriCredentials } from '../../shared/uri-credentials.js';

const DEFAULT_MASTER_PORT = 5050;
const DEFAULT_ZOOKEEPER_PORT = 2181;

export interface HostPort {
  /** Hostname or IP; IPv6 without brackets. */
  host: string;
  port: number;
}

interface HttpMasterAddress {
  kind: 'http';
  scheme: 'http' | 'https';
  host: string;
  port: number;
  /** `scheme://host[:port]`, default ports dropped as URLs do. */
  origin: string;
  /** Proxy path such as `/mesos`, or `''`; never ends with `/`. */
  prefix: string;
  /** origin + prefix: the base every endpoint path is appended to. */
  url: string;
}

interface ZooKeeperAuth {
  user: string;
  password: string;
}

export interface ZooKeeperMasterAddress {
  kind: 'zk';
  servers: HostPort[];
  /** znode under which masters register, e.g. `/mesos`; never ends with `/`. */
  path: string;
  auth?: ZooKeeperAuth;
}

interface LocalMasterAddress {
  kind: 'local';
}

export type MasterAddress = HttpMasterAddress | ZooKeeperMasterAddress | LocalMasterAddress;

const FORMS_HINT =
  'use host:port (e.g. mesos-master:5050), http(s)://host:port[/prefix], ' + 'zk://[user:pass@]host1:2181,host2:2181/mesos, or local';

export function parseMasterAddress(input: string): MasterAddress {
  const text = input.trim();
  if (text === '') throw usage('the Mesos master address is empty');
  if (text.toLowerCase() === 'local') return { kind: 'local' };
  // A newline or escape inside the address would split or garble every message that echoes it.
  if (printable(text) !== text) {
    throw usage(
      `"${printable(redactCredentials(text))}" contains a control character`,
      'give the address on one line, without tabs or escapes',
    );
  }
  const shown = redactCredentials(text);

  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text);
  const name = (scheme?.[1] ?? '').toLowerCase();
  const afterColon = scheme === null ? '' : text.slice(scheme[0].length);
  if (scheme !== null && (afterColon.startsWith('/') || KNOWN_SCHEMES.has(name))) {
    if (!KNOWN_SCHEMES.has(name)) throw usage(`"${name}:" is not a supported scheme in "${shown}"`);
    if (!afterColon.startsWith('//')) {
      const fixed = `${name}://${redactCredentials(afterColon.replace(/^\/+/, ''))}`;
      throw usage(`"${shown}" is malformed: "${name}:" must be followed by "//"`, `did you mean ${fixed}?`);
    }
    const rest = afterColon.slice(2);
    if (name === 'zk') return parseZooKeeper(shown, rest);
    return parseHttp(shown, name === 'https' ? 'https' : 'http', rest);
  }

  if (/[/?#]/.test(text)) {
    throw usage(`"${shown}" has a path but no scheme`, `write it as a URL: http://${shown}`);
  }
  if (text.includes('@')) {
    throw usage(`"${shown}" contains credentials`, CREDENTIALS_HINT);
  }
  const { host, port } = parseHostPort(text, DEFAULT_MASTER_PORT, text);
  return httpAddress('http', host, port, '');
}

const KNOWN_SCHEMES = new Set(['http', 'https', 'zk']);
const CREDENTIALS_HINT = 'pass the principal with --principal and the secret with --secret-file or ALLUXIO_MESOS_SECRET';

/**
 * Replaces the password of `scheme://user:password@...` (and of the malformed `user:password@host`
 * or `zk:/user:password@host`, which the shared masker does not take for URIs) so that messages
 * never echo it.
 */
export function redactCredentials(text: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return maskUriCredentials(text);
  return text.replace(
    /^([a-z][a-z0-9+.-]*:\/*)?([^/@:]*):[^/]*@/i,
    (_match, prefix: string | undefined, user: string) => `${prefix ?? ''}${user}:***@`,
  );
}

/** How an address is shown to the user: never includes a ZooKeeper password. */
export function describeMasterAddress(address: MasterAddress): string {
  switch (address.kind) {
    case 'local':
      return 'local';
    case 'http':
      return address.url;
    case 'zk': {
      const auth = address.auth === undefined ? '' : `${address.auth.user}:***@`;
      const servers = address.servers.map((s) => formatHostPort(s)).join(',');
      return `zk://${auth}${servers}${address.path}`;
    }
  }
}

export function formatHostPort({ host, port }: HostPort): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** `input` is already redacted; `rest` is everything after `scheme://`. */
function parseHttp(input: string, scheme: 'http' | 'https', rest: string): HttpMasterAddress {
  if (/[?#]/.test(rest)) throw usage(`"${input}" has a query or fragment; give only scheme, host, port and path prefix`);
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const rawPath = slash === -1 ? '' : rest.slice(slash);
  if (authority.includes('@')) {
    throw usage(`"${input}" puts credentials in the URL`, CREDENTIALS_HINT);
  }
  if (authority === '') throw usage(`"${input}" has no host`);
  const { host, port } = parseHostPort(authority, scheme === 'https' ? 443 : 80, input);
  const prefix = rawPath.replace(/\/+$/, '');
  if (/\/\/|\s/.test(prefix) || prefix.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw usage(`"${input}" has a malformed path prefix "${rawPath}"`, 'a prefix looks like /mesos');
  }
  return httpAddress(scheme, host, port, prefix);
}

function httpAddress(scheme: 'http' | 'https', host: string, port: number, prefix: string): HttpMasterAddress {
  const origin = new URL(`${scheme}://${formatHostPort({ host, port })}`).origin;
  return { kind: 'http', scheme, host, port, origin, prefix, url: origin + prefix };
}

/** `input` is already redacted; `rest` is everything after `zk://`. */
function parseZooKeeper(input: string, rest: string): ZooKeeperMasterAddress {
  // Mirrors Mesos' own zk:// parser: the path starts at the first '/', credentials end at '@'.
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash).replace(/\/+$/, '');
  const at = authority.lastIndexOf('@');
  const hostList = at === -1 ? authority : authority.slice(at + 1);

  if (hostList === '') throw usage(`"${input}" names no ZooKeeper server`, 'e.g. zk://zk1:2181,zk2:2181/mesos');
  if (path === '') {
    throw usage(`"${input}" has no znode path`, `Mesos masters register under a path: zk://${hostList}/mesos`);
  }
  if (
    path
      .split('/')
      .slice(1)
      .some((segment) => segment === '' || segment === '.' || segment === '..' || /\s/.test(segment))
  ) {
    throw usage(`"${input}" has a malformed znode path "${path}"`, 'a path looks like /mesos');
  }
  const servers = hostList.split(',').map((entry) => {
    if (entry === '') throw usage(`"${input}" has an empty entry in its server list`, 'separate servers with single commas');
    return parseHostPort(entry, DEFAULT_ZOOKEEPER_PORT, input);
  });

  let auth: ZooKeeperAuth | undefined;
  if (at !== -1) {
    const credentials = authority.slice(0, at);
    const colon = credentials.indexOf(':');
    if (colon <= 0) throw usage(`"${input}" has malformed credentials`, 'write them as zk://user:password@host:2181/mesos');
    auth = { user: credentials.slice(0, colon), password: credentials.slice(colon + 1) };
  }
  return auth === undefined ? { kind: 'zk', servers, path } : { kind: 'zk', servers, path, auth };
}

/** `host`, `host:port`, `[v6]`, `[v6]:port`. */
function parseHostPort(text: string, defaultPort: number, context: string): HostPort {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) throw usage(`"${context}": unclosed "[" in "${text}"`, 'IPv6 addresses look like [::1]:5050');
    host = text.slice(1, close);
    const after = text.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw usage(`"${context}": unexpected "${after}" after "]"`);
    portText = after === '' ? undefined : after.slice(1);
    if (isIP(host) !== 6) throw usage(`"${context}": "${host}" is not an IPv6 address`);
  } else {
    const colons = text.split(':').length - 1;
    const first = text.slice(0, text.indexOf(':'));
    // An IPv6 address starts with hex groups; `127.0.0.1:5050:5050` or `master:5050:5050` is a host given two ports.
    if (colons > 1 && /[.g-z_]/i.test(first)) {
      throw usage(`"${context}": "${text}" gives more than one port`, `give one, e.g. ${first}:${text.split(':')[1] ?? ''}`);
    }
    if (colons > 1) {
      throw usage(`"${context}": "${text}" looks like an IPv6 address without brackets`, `write [${text}]:${defaultPort}`);
    }
    const colon = text.indexOf(':');
    host = colon === -1 ? text : text.slice(0, colon);
    portText = colon === -1 ? undefined : text.slice(colon + 1);
    if (host === '') throw usage(`"${context}": missing host before ":${portText ?? ''}"`);
    if (!/^[A-Za-z0-9._-]+$/.test(host) || host.startsWith('.') || host.startsWith('-')) {
      throw usage(`"${context}": "${host}" is not a valid host name`);
    }
    if (/^\d+$/.test(host)) {
      throw usage(`"${context}": "${host}" looks like a port, not a host`, `write host:${host}`);
    }
    if (host.split('.').some((label) => label === '')) throw usage(`"${context}": "${host}" is not a valid host name`);
    // URL parsers read a host whose last label is numeric as IPv4 (1.2.3 becomes 1.2.0.3): only a
    // real dotted quad may look like that.
    if (/^(0x[0-9a-f]*|\d+)$/i.test(host.slice(host.lastIndexOf('.') + 1)) && isIP(host) !== 4) {
      throw usage(`"${context}": "${host}" is not a valid IPv4 address or host name`);
    }
  }
  return { host, port: portText === undefined ? defaultPort : parsePort(portText, context) };
}

function parsePort(text: string, context: string): number {
  if (text === '') throw usage(`"${context}": missing port after ":"`);
  if (!/^\d+$/.test(text)) throw usage(`"${context}": port "${text}" is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw usage(`"${context}": port ${text} is out of range`, 'ports are 1-65535');
  return port;
}

function usage(message: string, hint: string = FORMS_HINT): UsageError {
  return new UsageError(`invalid --master: ${message}`, { hint });
}
