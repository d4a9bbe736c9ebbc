/**
 * What a Mesos master writes into ZooKeeper, decoded. Masters join the group under the configured
 * path as EPHEMERAL_SEQUENTIAL znodes; the leader is the member with the lowest sequence number
 * (src/master/detector/zookeeper.cpp). The label of the znode says how its data is encoded:
 *
 * - `json.info_<seq>`: MasterInfo as JSON (Mesos >= 0.24);
 * - `info_<seq>`: MasterInfo as binary protobuf (older masters);
 * - `<seq>` with no label: the bare libprocess pid `master@10.0.0.1:5050` (oldest masters).
 *
 * MasterInfo field numbers (include/mesos/mesos.proto): id=1 string, ip=2 uint32 (IPv4 in network
 * byte order), port=3 uint32, pid=4 string, hostname=5 string, version=6 string, address=7 Address
 * {hostname=1 string, ip=2 string, port=3 int32}.
 */
import { OperationError } from '../../shared/errors.js';
import { oneLineQuote } from '../../shared/excerpt.js';

export interface MasterLocation {
  /** Hostname the master advertises (its --hostname, else reverse DNS of its IP). */
  hostname: string | undefined;
  ip: string | undefined;
  port: number;
  id: string | undefined;
  pid: string | undefined;
  version: string | undefined;
  /** The znode it came from, e.g. `json.info_0000000003`. */
  node: string;
  format: 'json' | 'protobuf' | 'pid';
}

export interface Membership {
  name: string;
  label: 'json.info' | 'info' | undefined;
  sequence: number;
}

/** `json.info_0000000003` -> {label: 'json.info', sequence: 3}; anything else (e.g. `log_replicas`) -> undefined. */
export function parseMembership(name: string): Membership | undefined {
  const match = /^(?:(json\.info|info)_)?(\d{10})$/.exec(name);
  if (match === null) return undefined;
  return { name, label: match[1] as Membership['label'], sequence: Number(match[2]) };
}

/** The leading member among `children`: lowest sequence, whatever its label (as Mesos decides). */
export function pickLeader(children: readonly string[]): Membership | undefined {
  let leader: Membership | undefined;
  for (const child of children) {
    const membership = parseMembership(child);
    if (membership !== undefined && (leader === undefined || membership.sequence < leader.sequence)) leader = membership;
  }
  return leader;
}

/** Decodes a member's data. `where` names the znode for error messages. */
export function decodeMasterInfo(membership: Membership, data: Buffer, where: string): MasterLocation {
  try {
    switch (membership.label) {
      case 'json.info':
        return fromJson(data, membership.name);
      case 'info':
        return fromProtobuf(data, membership.name);
      case undefined:
        return fromPid(data.toString('utf8').trim(), membership.name);
    }
  } catch (error) {
    if (error instanceof OperationError) throw error;
    throw new OperationError(
      `${where} does not hold a Mesos MasterInfo: ${oneLineQuote(error instanceof Error ? error.message : String(error))}`,
      {
        cause: error,
      },
    );
  }
}

function fromJson(data: Buffer, node: string): MasterLocation {
  const parsed: unknown = JSON.parse(data.toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
  const json = parsed as Record<string, unknown>;
  const address = typeof json.address === 'object' && json.address !== null ? (json.address as Record<string, unknown>) : {};
  const port = numberField(address.port) ?? numberField(json.port);
  if (port === undefined) throw new Error('no port');
  const packedIp = numberField(json.ip);
  return checked({
    hostname: stringField(address.hostname) ?? stringField(json.hostname),
    ip: stringField(address.ip) ?? (packedIp === undefined ? undefined : ipv4FromPacked(packedIp)),
    port,
    id: stringField(json.id),
    pid: stringField(json.pid),
    version: stringField(json.version),
    node,
    format: 'json',
  });
}

function fromProtobuf(data: Buffer, node: string): MasterLocation {
  const fields = decodeMessage(data);
  const address =
    fields.get(7)?.bytes === undefined ? new Map<number, ProtoField>() : decodeMessage(fields.get(7)?.bytes ?? Buffer.alloc(0));
  const port = address.get(3)?.varint ?? fields.get(3)?.varint;
  if (port === undefined) throw new Error('no port');
  const packedIp = fields.get(2)?.varint;
  return checked({
    hostname: address.get(1)?.text ?? fields.get(5)?.text,
    ip: address.get(2)?.text ?? (packedIp === undefined ? undefined : ipv4FromPacked(packedIp)),
    port,
    id: fields.get(1)?.text,
    pid: fields.get(4)?.text,
    version: fields.get(6)?.text,
    node,
    format: 'protobuf',
  });
}

function fromPid(pid: string, node: string): MasterLocation {
  const match = /^[^@\s]+@([^:\s]+):(\d+)$/.exec(pid);
  if (match === null) throw new Error(`${JSON.stringify(pid.slice(0, 60))} is not a libprocess pid`);
  return checked({
    hostname: undefined,
    ip: match[1],
    port: Number(match[2]),
    id: undefined,
    pid,
    version: undefined,
    node,
    format: 'pid',
  });
}

function checked(location: MasterLocation): MasterLocation {
  if (!Number.isInteger(location.port) || location.port < 1 || location.port > 65535)
    throw new Error(`port ${location.port} is out of range`);
  if (location.hostname === undefined && location.ip === undefined) throw new Error('neither a hostname nor an IP');
  return location;
}

/** MasterInfo.ip is the in_addr's bytes read as a little-endian integer: 127.0.0.1 is 16777343. */
export function ipv4FromPacked(packed: number): string {
  return [packed & 0xff, (packed >>> 8) & 0xff, (packed >>> 16) & 0xff, (packed >>> 24) & 0xff].join('.');
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function numberField(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

interface ProtoField {
  varint?: number;
  bytes?: Buffer;
  text?: string;
}

/**
 * A minimal protobuf reader: enough for the scalar and string fields above. Unknown fields are
 * skipped by wire type; for repeated fields the last occurrence wins, as protobuf specifies.
 */
function decodeMessage(data: Buffer): Map<number, ProtoField> {
  const fields = new Map<number, ProtoField>();
  let offset = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (offset >= data.length) throw new Error('truncated protobuf varint');
      const byte = data[offset++] ?? 0;
      if (shift < 53) result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new Error('protobuf varint longer than 10 bytes');
    }
  };
  while (offset < data.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0) throw new Error('protobuf field number 0');
    if (wire === 0) {
      fields.set(field, { varint: varint() });
    } else if (wire === 2) {
      const length = varint();
      if (offset + length > data.length) throw new Error('truncated protobuf field');
      const bytes = data.subarray(offset, offset + length);
      offset += length;
      fields.set(field, { bytes, text: bytes.toString('utf8') });
    } else if (wire === 1 || wire === 5) {
      offset += wire === 1 ? 8 : 4;
      if (offset > data.length) throw new Error('truncated protobuf fixed field');
    } else {
      throw new Error(`unsupported protobuf wire type ${wire}`);
    }
  }
  return fields;
}
