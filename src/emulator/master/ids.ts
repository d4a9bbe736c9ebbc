/**
 * Identifiers in the exact shapes real Mesos uses, so that anything parsing or logging them (the
 * scheduler, `logs`, `status`, the tests) sees what a production cluster would hand out:
 * master id = UUID, agent `<master>-S<n>`, framework `<master>-<4-digit n>`, offer `<master>-O<n>`.
 */
import { randomUUID } from 'node:crypto';

export class IdGenerator {
  private nextAgent = 0;
  private nextFramework = 0;
  private nextOffer = 0;

  constructor(readonly masterId: string = randomUUID()) {}

  agentId(): string {
    return `${this.masterId}-S${this.nextAgent++}`;
  }

  frameworkId(): string {
    // Mesos formats the counter with at least four digits ("%04d").
    return `${this.masterId}-${String(this.nextFramework++).padStart(4, '0')}`;
  }

  offerId(): string {
    return `${this.masterId}-O${this.nextOffer++}`;
  }
}

/** A fresh random stream id / uuid string (Mesos-Stream-Id is a plain UUID). */
export function newStreamId(): string {
  return randomUUID();
}

/**
 * `MasterInfo.ip`: the IPv4 address as the 32-bit integer Mesos stores "in network order" on a
 * little-endian host, i.e. 127.0.0.1 -> 16777343 (0x0100007F).
 */
export function ipv4ToMesosInt(ip: string): number {
  const parts = ip.split('.').map((p) => Number(p));
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return 0;
  const [a, b, c, d] = parts as [number, number, number, number];
  return ((d << 24) >>> 0) + (c << 16) + (b << 8) + a;
}
