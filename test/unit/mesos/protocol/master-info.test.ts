import { describe, expect, it } from 'vitest';
import { decodeMasterInfo, ipv4FromPacked, parseMembership, pickLeader } from '../../../../src/mesos/protocol/master-info.js';
import { OperationError } from '../../../../src/shared/errors.js';
import { encodeMasterInfoJson, encodeMasterInfoProtobuf, packIpv4 } from '../../../helpers/zookeeper.js';

const member = (name: string) => {
  const membership = parseMembership(name);
  if (membership === undefined) throw new Error(`not a membership: ${name}`);
  return membership;
};

describe('memberships and the leader', () => {
  it('parses the three znode forms and ignores others', () => {
    expect(parseMembership('json.info_0000000012')).toEqual({ name: 'json.info_0000000012', label: 'json.info', sequence: 12 });
    expect(parseMembership('info_0000000003')).toEqual({ name: 'info_0000000003', label: 'info', sequence: 3 });
    expect(parseMembership('0000000001')).toEqual({ name: '0000000001', label: undefined, sequence: 1 });
    for (const other of ['log_replicas', 'json.info_12', 'json.info_', 'foo_0000000001', 'json.info_00000000012']) {
      expect(parseMembership(other)).toBeUndefined();
    }
  });

  it('picks the lowest sequence, whatever the label and the listing order', () => {
    expect(pickLeader(['json.info_0000000007', 'log_replicas', 'json.info_0000000004', 'json.info_0000000010'])?.name).toBe(
      'json.info_0000000004',
    );
    expect(pickLeader(['json.info_0000000005', 'info_0000000002'])?.name).toBe('info_0000000002');
    expect(pickLeader(['log_replicas'])).toBeUndefined();
    expect(pickLeader([])).toBeUndefined();
  });
});

describe('decodeMasterInfo', () => {
  const info = {
    id: 'b8564f73-9862-4214-8536-043f0ff29368',
    ip: '10.1.2.3',
    port: 5050,
    pid: 'master@10.1.2.3:5050',
    hostname: 'm1.example.com',
    version: '1.12.0',
    address: { hostname: 'm1.example.com', ip: '10.1.2.3', port: 5050 },
  };

  it('packs IPv4 like Mesos: 127.0.0.1 is 16777343', () => {
    expect(packIpv4('127.0.0.1')).toBe(16777343);
    expect(ipv4FromPacked(16777343)).toBe('127.0.0.1');
    expect(ipv4FromPacked(packIpv4('192.168.200.7'))).toBe('192.168.200.7');
  });

  it('reads JSON MasterInfo from json.info_*', () => {
    expect(decodeMasterInfo(member('json.info_0000000001'), encodeMasterInfoJson(info), 'zk')).toEqual({
      hostname: 'm1.example.com',
      ip: '10.1.2.3',
      port: 5050,
      id: info.id,
      pid: info.pid,
      version: '1.12.0',
      node: 'json.info_0000000001',
      format: 'json',
    });
  });

  it('prefers address.* and falls back to the deprecated hostname/ip/port', () => {
    const json = Buffer.from(JSON.stringify({ id: 'x', ip: packIpv4('10.9.9.9'), port: 5051, hostname: 'old-name' }));
    expect(decodeMasterInfo(member('json.info_0000000001'), json, 'zk')).toMatchObject({
      hostname: 'old-name',
      ip: '10.9.9.9',
      port: 5051,
    });
    const mixed = Buffer.from(JSON.stringify({ id: 'x', ip: 1, port: 1, address: { ip: '10.0.0.8', port: 5050 } }));
    expect(decodeMasterInfo(member('json.info_0000000001'), mixed, 'zk')).toMatchObject({
      hostname: undefined,
      ip: '10.0.0.8',
      port: 5050,
    });
  });

  it('reads protobuf MasterInfo from info_*, with and without address', () => {
    expect(decodeMasterInfo(member('info_0000000002'), encodeMasterInfoProtobuf(info), 'zk')).toEqual({
      hostname: 'm1.example.com',
      ip: '10.1.2.3',
      port: 5050,
      id: info.id,
      pid: info.pid,
      version: '1.12.0',
      node: 'info_0000000002',
      format: 'protobuf',
    });
    const { address: _address, hostname: _hostname, ...old } = info;
    expect(decodeMasterInfo(member('info_0000000002'), encodeMasterInfoProtobuf({ ...old, port: 5052 }), 'zk')).toMatchObject({
      hostname: undefined,
      ip: '10.1.2.3',
      port: 5052,
      format: 'protobuf',
    });
  });

  it('reads the oldest format: a bare pid', () => {
    expect(decodeMasterInfo(member('0000000001'), Buffer.from('master@10.0.0.1:5050'), 'zk')).toMatchObject({
      ip: '10.0.0.1',
      port: 5050,
      format: 'pid',
    });
  });

  it.each([
    ['json.info_0000000001', Buffer.from('{"id":"x","address":{"ip":"10.0.0.1"'), /does not hold a Mesos MasterInfo/],
    ['json.info_0000000001', Buffer.from('[]'), /not a JSON object/],
    ['json.info_0000000001', Buffer.from('{"id":"x"}'), /no port/],
    ['json.info_0000000001', Buffer.from('{"address":{"ip":"10.0.0.1","port":70000}}'), /out of range/],
    ['json.info_0000000001', Buffer.from('{"address":{"port":5050}}'), /neither a hostname nor an IP/],
    ['info_0000000001', Buffer.from([0x0a, 0x20, 0x41]), /truncated protobuf field/],
    ['info_0000000001', Buffer.from([0xff, 0xff, 0xff]), /truncated protobuf varint/],
    ['info_0000000001', Buffer.from('hello world, not protobuf at all'), /does not hold a Mesos MasterInfo/],
    ['0000000001', Buffer.from('not a pid'), /not a libprocess pid/],
  ])('garbage in %s is an OperationError', (name, data, message) => {
    expect(() => decodeMasterInfo(member(name), data, `zk://h:2181/mesos/${name}`)).toThrow(OperationError);
    expect(() => decodeMasterInfo(member(name), data, `zk://h:2181/mesos/${name}`)).toThrow(message);
  });
});
