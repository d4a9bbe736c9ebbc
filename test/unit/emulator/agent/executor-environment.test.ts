import { describe, expect, it } from 'vitest';
import { agentExecutorEnvironment } from '../../../../src/emulator/agent/executor-environment.js';

describe('agentExecutorEnvironment', () => {
  it('passes what a process needs to run and nothing of the operator secrets', () => {
    const env = agentExecutorEnvironment({
      PATH: '/opt/bin:/usr/bin',
      HOME: '/home/op',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      JAVA_HOME: '/usr/lib/jvm/java-17',
      ALLUXIO_MESOS_SECRET: 'mesos-secret',
      AWS_SECRET_ACCESS_KEY: 'aws-secret',
      MESOS_MASTER: 'zk://u:p@zk:2181/mesos',
      NODE_OPTIONS: '--inspect',
      UNSET: undefined,
    });
    expect(env).toEqual({ PATH: '/opt/bin:/usr/bin', HOME: '/home/op', LANG: 'C.UTF-8', LC_ALL: 'C', JAVA_HOME: '/usr/lib/jvm/java-17' });
  });

  it("gives Mesos' default PATH when the agent has none", () => {
    expect(agentExecutorEnvironment({}).PATH).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  });
});
