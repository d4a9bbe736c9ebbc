/**
 * Where the legacy transport's listener binds and what address it tells the master, from the flags
 * (`--listen`, `--advertise`) or the environment variables operators know from libmesos
 * (`LIBPROCESS_IP`, `LIBPROCESS_PORT`, `LIBPROCESS_ADVERTISE_IP`, `LIBPROCESS_ADVERTISE_PORT`);
 * flags win. libprocess pids carry IPv4 addresses, so these are IPv4 too.
 *
 * Without an advertised address, the one this machine uses to reach the master is told (the local
 * end of a TCP connection to it), which is right whenever the master can route back to it.
 */
import net from 'node:net';

import { UsageError } from '../../shared/errors.js';

export interface LibprocessAddresses {
  readonly listen: { readonly host: string; readonly port: number };
  /** Undefined host: find it toward the master ({@link localAddressToward}). Undefined port: the bound one. */
  readonly advertise: { readonly host: string | undefined; readonly port: number | undefined };
}

interface Source {
  readonly flag: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function libprocessAddresses(
  listenFlag: string | undefined,
  advertiseFlag: string | undefined,
  env: Source['env'],
): LibprocessAddresses {
  const listen = listenFlag === undefined ? undefined : hostPort('--listen', listenFlag, 0);
  const advertise = advertiseFlag === undefined ? undefined : hostPort('--advertise', advertiseFlag, 1);
  const envListenHost = env.LIBPROCESS_IP === undefined ? undefined : ipv4('LIBPROCESS_IP', env.LIBPROCESS_IP);
  const envListenPort = env.LIBPROCESS_PORT === undefined ? undefined : port('LIBPROCESS_PORT', env.LIBPROCESS_PORT, 0);
  const envAdvertiseHost =
    env.LIBPROCESS_ADVERTISE_IP === undefined ? undefined : ipv4('LIBPROCESS_ADVERTISE_IP', env.LIBPROCESS_ADVERTISE_IP);
  const envAdvertisePort =
    env.LIBPROCESS_ADVERTISE_PORT === undefined ? undefined : port('LIBPROCESS_ADVERTISE_PORT', env.LIBPROCESS_ADVERTISE_PORT, 1);
  const listenHost = listen?.host ?? envListenHost ?? '0.0.0.0';
  const listenPort = listen?.port ?? envListenPort ?? 0;
  // A listener bound to one address is reached there, as libprocess advertises LIBPROCESS_IP.
  const advertiseHost = advertise?.host ?? envAdvertiseHost ?? (listenHost === '0.0.0.0' ? undefined : listenHost);
  return {
    listen: { host: listenHost, port: listenPort },
    advertise: { host: advertiseHost, port: advertise?.port ?? envAdvertisePort },
  };
}

/** The local address of a TCP connection to host:port: the address the master sees us come from. */
export async function localAddressToward(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, family: 4 });
    const done = (address: string | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(address);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once('connect', () => done(socket.localAddress));
    socket.once('error', () => done(undefined));
  });
}

function hostPort(source: string, text: string, minPort: number): { host: string; port: number | undefined } {
  const match = /^([^:]+)(?::([^:]*))?$/.exec(text.trim());
  if (match === null) throw badAddress(source, text);
  if (!net.isIPv4(match[1] ?? '')) throw badAddress(source, text);
  return { host: match[1] ?? '', port: match[2] === undefined ? undefined : port(source, match[2], minPort) };
}

function ipv4(source: string, text: string): string {
  if (net.isIPv4(text.trim())) return text.trim();
  throw badAddress(source, text);
}

function port(source: string, text: string, min: number): number {
  const value = Number(text.trim());
  if (/^\d{1,5}$/.test(text.trim()) && value >= min && value <= 65_535) return value;
  throw new UsageError(`${source} "${text}": the port must be a number from ${min} to 65535`, {
    hint: min === 0 ? 'give a port, or 0 for any free one' : 'give the port the master should connect to',
  });
}

function badAddress(source: string, text: string): UsageError {
  return new UsageError(`${source} "${text}" is not an IPv4 address${source.startsWith('--') ? ' (with an optional :port)' : ''}`, {
    hint: 'libprocess addresses are IPv4, e.g. 10.0.0.5 or 10.0.0.5:9090',
  });
}
