import { describe, expect, it } from 'vitest';
import { parseMasterAddress, type ZooKeeperMasterAddress } from '../../../../src/mesos/client/address.js';
import { connectToMaster } from '../../../../src/mesos/client/connect.js';
import { leaderBaseUrl, resolveMaster } from '../../../../src/mesos/client/detect.js';
import type { MasterLocation } from '../../../../src/mesos/protocol/master-info.js';
import type { ZooKeeperOptions } from '../../../../src/mesos/client/zookeeper.js';
import { UsageError } from '../../../../src/shared/errors.js';

const leader = (extra: Partial<MasterLocation> = {}): MasterLocation => ({
  hostname: 'm1.example.com',
  ip: '10.0.0.1',
  port: 5050,
  id: 'id',
  pid: 'master@10.0.0.1:5050',
  version: '1.12.0',
  node: 'json.info_0000000001',
  format: 'json',
  ...extra,
});

describe('resolveMaster', () => {
  it('uses an http address as given', async () => {
    expect(await resolveMaster(parseMasterAddress('https://proxy/mesos/'), { timeoutMs: 1_000 })).toEqual({
      kind: 'http',
      baseUrl: 'https://proxy/mesos',
      how: 'address',
      address: 'https://proxy/mesos',
    });
  });

  it('asks ZooKeeper for zk:// and builds the leader base URL, hiding the password', async () => {
    const seen: Array<[ZooKeeperMasterAddress, ZooKeeperOptions]> = [];
    const resolved = await resolveMaster(parseMasterAddress('zk://u:pw@zk1:2181/mesos'), {
      timeoutMs: 1_234,
      detectLeader: async (address, options) => {
        seen.push([address, options]);
        return leader();
      },
    });
    expect(seen[0]?.[0].path).toBe('/mesos');
    expect(seen[0]?.[1].timeoutMs).toBe(1_234);
    expect(resolved).toEqual({
      kind: 'http',
      baseUrl: 'http://m1.example.com:5050',
      how: 'zookeeper',
      address: 'zk://u:***@zk1:2181/mesos',
      leader: leader(),
    });
  });

  it('local: a marker without a resolver, the resolver result with one', async () => {
    expect(await resolveMaster({ kind: 'local' }, { timeoutMs: 1_000 })).toEqual({ kind: 'local' });
    const resolved = await resolveMaster(
      { kind: 'local' },
      { timeoutMs: 1_000, resolveLocal: async ({ timeoutMs }) => ({ baseUrl: `http://127.0.0.1:${timeoutMs}/` }) },
    );
    expect(resolved).toEqual({ kind: 'http', baseUrl: 'http://127.0.0.1:1000', how: 'local', address: 'local' });
  });
});

describe('leaderBaseUrl', () => {
  it.each([
    [leader(), 'http', 'http://m1.example.com:5050'],
    [leader({ hostname: undefined }), 'https', 'https://10.0.0.1:5050'],
    [leader({ hostname: undefined, ip: '::1', port: 5051 }), 'http', 'http://[::1]:5051'],
  ] as const)('%j over %s', (location, scheme, expected) => {
    expect(leaderBaseUrl(location, scheme)).toBe(expected);
  });
});

describe('connectToMaster', () => {
  it('refuses local without the embedded cluster', async () => {
    await expect(connectToMaster({ master: 'local', timeoutMs: 1_000 })).rejects.toBeInstanceOf(UsageError);
  });

  it('rejects a malformed address before any network call', async () => {
    await expect(
      connectToMaster({ master: 'zk://zk1:2181', timeoutMs: 1_000, detectLeader: () => Promise.reject(new Error('must not be called')) }),
    ).rejects.toThrow(/has no znode path/);
  });

  it('talks https to a ZooKeeper-found master when TLS options are given', async () => {
    const connection = await connectToMaster({
      master: 'zk://zk1/mesos',
      timeoutMs: 1_000,
      insecure: true,
      detectLeader: async () => leader(),
    });
    expect(connection.client.baseUrl).toBe('https://m1.example.com:5050');
    connection.close();
  });
});
