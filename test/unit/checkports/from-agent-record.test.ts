import { describe, expect, it } from 'vitest';
import { analyzeCheckPorts } from '../../../src/checkports/analyze.js';
import { fromAgentRecord } from '../../../src/checkports/from-agent-record.js';
import { defaultCheckPortsRequirements } from '../../../src/checkports/requirements.js';
import { agentsFromGetAgents, agentsFromStateJson } from '../../../src/mesos/client/agents.js';
import { generateGetAgents } from '../../../bench/check-ports-cluster.mjs';

const req = defaultCheckPortsRequirements('1.x');

/** `slaves[0]` of /master/state recorded from Mesos 1.12.0 while a task held port 30000. */
const RECORDED_STATE = {
  slaves: [
    {
      id: 'b8564f73-9862-4214-8536-043f0ff29368-S0',
      hostname: '127.0.0.1',
      port: 5051,
      attributes: {},
      pid: 'slave(1)@127.0.0.1:5051',
      registered_time: 1795548211.177023,
      resources: { disk: 4096.0, mem: 2048.0, gpus: 0.0, cpus: 2.0, ports: '[19998-19999, 29998-30000]' },
      used_resources: { disk: 0.0, mem: 32.0, gpus: 0.0, cpus: 0.1, ports: '[30000-30000]' },
      offered_resources: { disk: 4096.0, mem: 2016.0, gpus: 0.0, cpus: 1.9, ports: '[19998-19999, 29998-29999]' },
      reserved_resources: {},
      unreserved_resources: { disk: 4096.0, mem: 2048.0, gpus: 0.0, cpus: 2.0, ports: '[19998-19999, 29998-30000]' },
      active: true,
      deactivated: false,
      version: '1.12.0',
      capabilities: ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'],
    },
  ],
};

describe('fromAgentRecord', () => {
  it('reads a recorded legacy state document: string ranges, port in use, offered ports only noted', () => {
    const agents = agentsFromStateJson(RECORDED_STATE, '/master/state').map(fromAgentRecord);
    const report = analyzeCheckPorts({ master: { address: '127.0.0.1:5050', version: '1.12.0' }, agents, requirements: req });
    const record = report.agents[0]!;
    expect(record).toMatchObject({ hostname: '127.0.0.1', agentId: 'b8564f73-9862-4214-8536-043f0ff29368-S0', version: '1.12.0' });
    expect(record.ports).toEqual({ usable: '[19998-19999,29998-30000]', inUse: '[30000-30000]' });
    expect(record.worker.reasons).toEqual([
      'port 30000 (worker web) is in use (allocated to a running task)',
      'not enough mem: needs 1.1 cpus / 2080 MB (executor overhead included), has 1.9 cpus / 2016 MB free',
    ]);
    // 2 cpus - 0.1 used leaves 1.9: room for the master (1.1) but not beside a worker.
    expect(record.master.ok).toBe(true);
    expect(record.free).toEqual({ cpus: 1.9, memMb: 2016 });
    expect(record.notes).toHaveLength(1);
  });

  it('reads GET_AGENTS with reservations in ENDPOINT format', () => {
    const json = {
      type: 'GET_AGENTS',
      get_agents: {
        agents: [
          {
            agent_info: { hostname: 'h1', id: { value: 'S1' }, port: 5051 },
            active: true,
            version: '1.4.3',
            pid: 'slave(1)@10.0.0.1:5051',
            total_resources: [
              { name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: '*' },
              { name: 'mem', type: 'SCALAR', scalar: { value: 8192 }, role: '*' },
              { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: '*' },
              {
                name: 'ports',
                type: 'RANGES',
                ranges: { range: [{ begin: 19998, end: 19999 }] },
                role: 'spark',
                reservation: { principal: 'ops' },
                reservations: [{ type: 'DYNAMIC', role: 'spark', principal: 'ops' }],
              },
            ],
            allocated_resources: [],
            offered_resources: [],
          },
        ],
        recovered_agents: [],
      },
    };
    const agents = agentsFromGetAgents(json, 'GET_AGENTS').map(fromAgentRecord);
    const report = analyzeCheckPorts({ master: { address: 'm:5050', version: '1.4.3' }, agents, requirements: req });
    expect(report.agents[0]!.master.reasons[0]).toBe("port 19998 (master rpc) is reserved for role 'spark'");
    // The dynamic reservation is undone in the flag: its ports return to the unreserved list.
    expect(report.fixes.resourcesFlags[0]!.resources).toBe('cpus:4;mem:8192;ports:[19998-19999,29998-30000,31000-32000]');
  });
});

describe('bench cluster generator', () => {
  it('is deterministic and parses as GET_AGENTS', () => {
    expect(generateGetAgents(50, { seed: 7 })).toEqual(generateGetAgents(50, { seed: 7 }));
    const records = agentsFromGetAgents(generateGetAgents(400), 'generated');
    expect(records).toHaveLength(400);
    const report = analyzeCheckPorts({
      master: { address: 'm:5050', version: '1.12.0' },
      agents: records.map(fromAgentRecord),
      requirements: req,
      suggestPorts: true,
    });
    // The mix holds agents that fit, agents that lack ports, and agents blocked by another role.
    expect(report.summary.canRunWorker).toBeGreaterThan(0);
    expect(report.summary.canRunWorker).toBeLessThan(report.summary.active);
    expect(report.agents.some((a) => a.worker.reasons.some((r) => r.includes("reserved for role 'spark'")))).toBe(true);
    expect(report.agents.some((a) => a.worker.reasons.some((r) => r.includes('in use')))).toBe(true);
    expect(report.fixes.resourcesFlags.length).toBeGreaterThan(0);
  });
});
