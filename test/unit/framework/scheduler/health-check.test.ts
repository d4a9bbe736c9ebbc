import { execFileSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { alluxioHealthCheck, probeAddress, tcpProbeCommand } from '../../../../src/framework/scheduler/health-check.js';
import { DEFAULT_HEALTH_CHECK } from '../../../../src/framework/scheduler/config.js';

describe('where the health check probes', () => {
  it('unset bind host: the agent address, through a COMMAND probe (Mesos TCP checks only reach 127.0.0.1)', () => {
    const check = alluxioHealthCheck({ rpcPort: 29998 }, 'agent-3.example.com', DEFAULT_HEALTH_CHECK);
    expect(check.type).toBe('COMMAND');
    expect(check.tcp).toBeUndefined();
    expect(check.command?.value).toBe(`exec bash -c 'exec 3<>"/dev/tcp/$0/$1"' agent-3.example.com 29998`);
    expect(check.grace_period_seconds).toBe(DEFAULT_HEALTH_CHECK.gracePeriodSeconds);
  });

  it.each(['0.0.0.0', '::', '127.0.0.1', 'localhost', ' 0.0.0.0 '])("bind host %j: Mesos' own TCP check", (bindHost) => {
    const check = alluxioHealthCheck({ rpcPort: 19998, bindHost }, 'agent-1', DEFAULT_HEALTH_CHECK);
    expect(check).toMatchObject({ type: 'TCP', tcp: { port: 19998 } });
    expect(check.command).toBeUndefined();
  });

  it('another bind host: probed where Alluxio listens, not the agent hostname', () => {
    expect(probeAddress({ rpcPort: 29998, bindHost: '10.1.2.3' }, 'agent-1')).toEqual({ host: '10.1.2.3', port: 29998 });
    expect(probeAddress({ rpcPort: 29998, bindHost: '' }, 'agent-1')).toEqual({ host: 'agent-1', port: 29998 });
  });

  it('quotes a host that the shell would split', () => {
    expect(tcpProbeCommand("we ird'host", 1).value).toBe(`exec bash -c 'exec 3<>"/dev/tcp/$0/$1"' 'we ird'\\''host' 1`);
  });
});

describe('when the health check runs', () => {
  it('starts a second after launch and repeats every 2 s, so healthy follows the open port within about 2 s', () => {
    const check = alluxioHealthCheck({ rpcPort: 19998, bindHost: '0.0.0.0' }, 'agent-1', DEFAULT_HEALTH_CHECK);
    expect(check.delay_seconds).toBe(1);
    expect(check.interval_seconds).toBe(2);
  });

  it('start-up is covered by the grace period, not by the delay: 300 s of failing checks before the first success do not count', () => {
    const check = alluxioHealthCheck({ rpcPort: 29998 }, 'agent-1', DEFAULT_HEALTH_CHECK);
    expect(check.grace_period_seconds).toBe(300);
    // After the first success, a task is killed only after 3 failures in a row of checks that may each take 5 s.
    expect(check.consecutive_failures).toBe(3);
    expect(check.timeout_seconds).toBe(5);
  });
});

describe('the COMMAND probe, run by sh as Mesos runs it', () => {
  const run = (value: string): number => {
    try {
      execFileSync('/bin/sh', ['-c', value], { stdio: 'ignore', timeout: 10_000 });
      return 0;
    } catch (error) {
      return (error as { status?: number }).status ?? -1;
    }
  };

  it('exits 0 while something listens there and non-zero once it is gone', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    expect(run(tcpProbeCommand('127.0.0.1', port).value)).toBe(0);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(run(tcpProbeCommand('127.0.0.1', port).value)).not.toBe(0);
  });
});
