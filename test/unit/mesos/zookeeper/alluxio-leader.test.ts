import { describe, expect, it } from 'vitest';
import { alluxioLeaderSource } from '../../../../src/mesos/zookeeper/alluxio-leader.js';
import { parseMasterAddress } from '../../../../src/mesos/client/address.js';

describe('alluxioLeaderSource', () => {
  it('names the leader path on the servers as Alluxio reads them (blanks around commas trimmed), as a zk:// address', () => {
    const source = alluxioLeaderSource('zk1:2181, zk2:2181 ,zk3:2181', '/alluxio/leader');
    expect(source).toBe('zk://zk1:2181,zk2:2181,zk3:2181/alluxio/leader');
    expect(parseMasterAddress(source)).toMatchObject({
      kind: 'zk',
      path: '/alluxio/leader',
      servers: [{ host: 'zk1' }, { host: 'zk2' }, { host: 'zk3' }],
    });
  });
});
