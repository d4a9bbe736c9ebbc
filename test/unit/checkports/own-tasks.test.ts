import { describe, expect, it } from 'vitest';
import { analyzeCheckPorts } from '../../../src/checkports/analyze.js';
import { renderCheckPortsText } from '../../../src/checkports/render-text.js';
import type { CheckPortsAgent } from '../../../src/checkports/evaluate-agent.js';
import type { CheckPortsRequirements } from '../../../src/checkports/requirements.js';
import type { Resource } from '../../../src/mesos/protocol/types.js';

const cpus = (value: number): Resource => ({ name: 'cpus', type: 'SCALAR', scalar: { value }, role: '*' });
const mem = (value: number): Resource => ({ name: 'mem', type: 'SCALAR', scalar: { value }, role: '*' });
const ports = (begin: number, end: number): Resource => ({ name: 'ports', type: 'RANGES', ranges: { range: [{ begin, end }] }, role: '*' });

const requirements: CheckPortsRequirements = {
  role: '*',
  masterCount: 1,
  master: {
    ports: [
      { name: 'masterRpc', port: 19998 },
      { name: 'masterWeb', port: 19999 },
    ],
    cpus: 1,
    memMb: 1024,
  },
  worker: {
    ports: [
      { name: 'workerRpc', port: 29998 },
      { name: 'workerWeb', port: 30000 },
    ],
    cpus: 1,
    overheadMemMb: 1024,
    ramdiskMb: 1024,
  },
  spelling: '2.x',
};

// One small agent whose master and worker ports are all held by the deployment's own tasks.
const agent: CheckPortsAgent = {
  agentId: 'S1',
  hostname: 'agent-1',
  active: true,
  resources: {
    total: [cpus(2.5), mem(4096), ports(19998, 30000)],
    allocated: [cpus(2), mem(3072), ports(19998, 19999), ports(29998, 29998), ports(30000, 30000)],
    offered: [],
  },
};
const ownTasks = [
  { agentId: 'S1', alias: 'master-1', resources: [cpus(1), mem(1024), ports(19998, 19999)] },
  { agentId: 'S1', alias: 'worker-1', resources: [cpus(1), mem(2048), ports(29998, 29998), ports(30000, 30000)] },
];

describe('check-ports on a cluster where the deployment runs', () => {
  it('without its tasks known, its own ports make the check fail', () => {
    const report = analyzeCheckPorts({ master: { address: 'm', version: '1.12.0' }, agents: [agent], requirements });
    expect(report.verdict.ok).toBe(false);
    expect(report.heldByDeployment).toEqual([]);
  });

  it('with them, the resources count as the deployment’s: it fits, and each held port is named', () => {
    const report = analyzeCheckPorts({ master: { address: 'm', version: '1.12.0' }, agents: [agent], requirements, ownTasks });
    expect(report.verdict.ok).toBe(true);
    expect(report.heldByDeployment).toEqual([
      { hostname: 'agent-1', alias: 'master-1', ports: [19998, 19999] },
      { hostname: 'agent-1', alias: 'worker-1', ports: [29998, 30000] },
    ]);
  });

  it('says so in the text: each task and its ports as held by this deployment, and a verdict about the deployment', () => {
    const text = renderCheckPortsText(
      analyzeCheckPorts({ master: { address: 'm', version: '1.12.0' }, agents: [agent], requirements, ownTasks }),
      {
        color: false,
      },
    );
    expect(text).toContain('  agent-1: ports 19998, 19999 held by this deployment (master-1)\n');
    expect(text).toContain('  agent-1: ports 29998, 30000 held by this deployment (worker-1)\n');
    expect(text).toContain('OK: the deployment fits: its tasks hold their own ports\n');
    expect(text).not.toContain('Why not');
  });
});
