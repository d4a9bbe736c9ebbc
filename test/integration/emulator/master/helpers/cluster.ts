/** Starts a local master with fake agents for a test, and tears everything down afterwards. */
import { LocalMaster, type LocalMasterOptions } from '../../../../../src/emulator/master/local-master.js';
import { FakeAgent, type FakeAgentOptions } from './fake-agent.js';
import { waitUntil } from './scheduler-client.js';

export interface TestCluster {
  master: LocalMaster;
  agents: FakeAgent[];
  url: string;
  stop(): Promise<void>;
}

export async function startTestCluster(
  options: { agents?: number; master?: LocalMasterOptions; agent?: Omit<FakeAgentOptions, 'masterUrl' | 'hostname'> } = {},
): Promise<TestCluster> {
  const master = new LocalMaster({ host: '127.0.0.1', port: 0, allocationIntervalMs: 200, ...options.master });
  await master.start();
  const agents: FakeAgent[] = [];
  for (let i = 0; i < (options.agents ?? 1); i++) {
    const agent = new FakeAgent({ hostname: `127.0.0.${i + 2}`, masterUrl: () => master.url, ...options.agent });
    await agent.start();
    agents.push(agent);
  }
  await waitUntil(() => master.state.agents.size === agents.length, 5_000, 'agents registered');
  return {
    master,
    agents,
    url: master.url,
    async stop() {
      await Promise.all(agents.map((a) => a.stop()));
      await master.stop();
    },
  };
}

export const FRAMEWORK = {
  user: 'root',
  name: 'alluxio-mesos-probe',
  role: '*',
  checkpoint: true,
  failover_timeout: 60.0,
  hostname: '127.0.0.1',
};

export const MULTI_ROLE_FRAMEWORK = {
  user: 'root',
  name: 'alluxio-mesos-probe',
  roles: ['*'],
  checkpoint: true,
  failover_timeout: 120.0,
  hostname: '127.0.0.1',
  capabilities: [{ type: 'MULTI_ROLE' }],
};
