/**
 * Normalising agents, frameworks and tasks: recorded Mesos 1.12 answers, the GET_AGENTS/
 * GET_TASKS shapes of master.proto, and hand-made shapes of 0.23-0.28 state JSON.
 */
import { describe, expect, it } from 'vitest';
import { agentsFromGetAgents, agentsFromStateJson, portFromPid } from '../../../../src/mesos/client/agents.js';
import { frameworksFromGetFrameworks, frameworksFromStateJson } from '../../../../src/mesos/client/frameworks.js';
import { formatRanges, rangesOf, resourceRole, scalarOf } from '../../../../src/mesos/resources/ranges.js';
import { tasksFromGetTasks, tasksFromStateJson } from '../../../../src/mesos/client/tasks.js';
import { OperationError } from '../../../../src/shared/errors.js';
import { transcriptJson } from '../../../helpers/http-fixture-server.js';

const AGENT_ID = 'b8564f73-9862-4214-8536-043f0ff29368-S0';

describe('agents from recorded Mesos 1.12 answers', () => {
  it('/master/state: total, used and offered ports from the flattened maps', () => {
    const [agent, ...rest] = agentsFromStateJson(transcriptJson('91_master_GET_master_state_multirole_running'), '/master/state');
    expect(rest).toEqual([]);
    expect(agent).toMatchObject({
      agentId: AGENT_ID,
      hostname: '127.0.0.1',
      port: 5051,
      pid: 'slave(1)@127.0.0.1:5051',
      version: '1.12.0',
      active: true,
    });
    expect(formatRanges(rangesOf(agent?.resources ?? []))).toBe('[19998-19999,29998-30000]');
    expect(formatRanges(rangesOf(agent?.usedResources ?? []))).toBe('[30000-30000]');
    expect(formatRanges(rangesOf(agent?.offeredResources ?? []))).toBe('[19998-19999,29998-29999]');
    expect(scalarOf(agent?.usedResources ?? [], 'cpus')).toBe(0.1);
    expect(agent?.reservedResources).toEqual({});
  });

  it('/master/slaves after a task: the _full lists carry roles and allocation', () => {
    const [agent] = agentsFromStateJson(transcriptJson('61_master_GET_master_slaves_after_task'), '/master/slaves');
    expect(agent?.resources.every((r) => resourceRole(r) === '*')).toBe(true);
    expect(agent?.resources.find((r) => r.name === 'ports')?.role).toBe('*');
    expect(agent?.offeredResources.find((r) => r.name === 'ports')).toMatchObject({ allocation_info: { role: '*' } });
    expect(formatRanges(rangesOf(agent?.offeredResources ?? []))).toBe('[19999-19999,29998-30000]');
    expect(agent?.usedResources).toEqual([]);
  });
});

describe('agents from GET_AGENTS (shape of master.proto Response.GetAgents)', () => {
  const getAgents = {
    type: 'GET_AGENTS',
    get_agents: {
      agents: [
        {
          agent_info: {
            hostname: 'agent1.example.com',
            port: 5051,
            id: { value: 'S1' },
            resources: [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: '*' }],
            attributes: [
              { name: 'rack', type: 'TEXT', text: { value: 'r1' } },
              { name: 'weight', type: 'SCALAR', scalar: { value: 2.5 } },
              { name: 'slots', type: 'RANGES', ranges: { range: [{ begin: 1, end: 4 }] } },
              { name: 'zones', type: 'SET', set: { item: ['a', 'b'] } },
            ],
          },
          active: true,
          deactivated: false,
          version: '1.12.0',
          pid: 'slave(1)@10.0.0.11:5051',
          registered_time: { nanoseconds: 1795548211177023000 },
          total_resources: [
            { name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: '*' },
            { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: '*' },
            {
              name: 'ports',
              type: 'RANGES',
              ranges: { range: [{ begin: 19998, end: 19999 }] },
              role: 'alluxio',
              reservation: { principal: 'ops' },
              reservations: [{ type: 'DYNAMIC', role: 'alluxio', principal: 'ops' }],
            },
          ],
          allocated_resources: [
            {
              name: 'ports',
              type: 'RANGES',
              ranges: { range: [{ begin: 31005, end: 31005 }] },
              role: '*',
              allocation_info: { role: 'marathon' },
            },
          ],
          offered_resources: [],
          capabilities: [{ type: 'MULTI_ROLE' }],
        },
        {
          agent_info: { hostname: 'agent2', id: { value: 'S2' }, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }] },
          active: false,
          version: '1.12.0',
          pid: 'slave(1)@10.0.0.12:5052',
        },
      ],
      recovered_agents: [],
    },
  };

  it('normalises every field', () => {
    const [one, two] = agentsFromGetAgents(getAgents, 'http://m/api/v1');
    expect(one).toMatchObject({ agentId: 'S1', hostname: 'agent1.example.com', port: 5051, version: '1.12.0', active: true });
    expect(formatRanges(rangesOf(one?.resources ?? []))).toBe('[19998-19999,31000-32000]');
    expect(Object.keys(one?.reservedResources ?? {})).toEqual(['alluxio']);
    expect(formatRanges(rangesOf(one?.reservedResources.alluxio ?? []))).toBe('[19998-19999]');
    expect(formatRanges(rangesOf(one?.usedResources ?? []))).toBe('[31005-31005]');
    expect(one?.attributes).toEqual({ rack: 'r1', weight: 2.5, slots: '[1-4]', zones: '{a,b}' });
    // No total_resources: agent_info.resources; no port: the pid's.
    expect(two).toMatchObject({ agentId: 'S2', port: 5052, active: false, usedResources: [], offeredResources: [] });
    expect(rangesOf(two?.resources ?? [])).toEqual([]);
  });

  it.each([
    [{}, /get_agents should be an object but is missing/],
    [{ get_agents: { agents: {} } }, /get_agents.agents should be an array/],
    [{ get_agents: { agents: [{ active: true }] } }, /agents\[0\]\.agent_info should be an object/],
    [{ get_agents: { agents: [{ agent_info: { hostname: 'h', id: 'S1' } }] } }, /agent_info\.id should be an object/],
    [
      {
        get_agents: {
          agents: [
            {
              agent_info: { hostname: 'h', id: { value: 'S1' } },
              total_resources: [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 5, end: 1 }] } }],
            },
          ],
        },
      },
      /range with 0 <= begin <= end/,
    ],
    [
      {
        get_agents: {
          agents: [{ agent_info: { hostname: 'h', id: { value: 'S1' } }, total_resources: [{ name: 'ports', type: 'WEIRD' }] }],
        },
      },
      /SCALAR, RANGES, SET or TEXT/,
    ],
  ])('garbage %j is an OperationError naming where', (json, message) => {
    expect(() => agentsFromGetAgents(json, 'http://m/api/v1')).toThrow(OperationError);
    expect(() => agentsFromGetAgents(json, 'http://m/api/v1')).toThrow(message);
  });
});

describe('agents from hand-made 0.23-0.28 state JSON', () => {
  it('0.23: only the merged `resources` map, no version, no port field', () => {
    const state = {
      version: '0.23.0',
      slaves: [
        {
          id: '20150101-S1',
          pid: 'slave(1)@10.0.0.5:5051',
          hostname: 'old-agent',
          registered_time: 1420070400.5,
          resources: { cpus: 8, mem: 15000, disk: 100000, ports: '[31000-32000]' },
          attributes: { rack: 'r2', level: 3 },
          active: true,
        },
      ],
    };
    const [agent] = agentsFromStateJson(state, '/master/state.json');
    expect(agent).toMatchObject({
      agentId: '20150101-S1',
      hostname: 'old-agent',
      port: 5051,
      version: undefined,
      attributes: { rack: 'r2', level: 3 },
    });
    expect(formatRanges(rangesOf(agent?.resources ?? []))).toBe('[31000-32000]');
    expect(agent?.usedResources).toEqual([]);
  });

  it('0.28: reserved_resources per role and unreserved_resources', () => {
    const state = {
      slaves: [
        {
          id: 'S1',
          pid: 'slave(1)@10.0.0.5:5051',
          hostname: 'agent',
          resources: { cpus: 8, ports: '[19998-19999, 31000-32000]' },
          used_resources: { cpus: 1, ports: '[31000-31000]' },
          offered_resources: { cpus: 0 },
          reserved_resources: { alluxio: { cpus: 2, ports: '[19998-19999]' } },
          unreserved_resources: { cpus: 6, ports: '[31000-32000]' },
          attributes: {},
          active: true,
          version: '0.28.2',
        },
      ],
    };
    const [agent] = agentsFromStateJson(state, '/master/state');
    expect(agent?.version).toBe('0.28.2');
    expect(formatRanges(rangesOf(agent?.resources ?? [], 'ports', (r) => resourceRole(r) === '*'))).toBe('[31000-32000]');
    expect(formatRanges(rangesOf(agent?.reservedResources.alluxio ?? []))).toBe('[19998-19999]');
    expect(scalarOf(agent?.resources ?? [], 'cpus')).toBe(8);
    expect(formatRanges(rangesOf(agent?.usedResources ?? []))).toBe('[31000-31000]');
    expect(agent?.usedResources.every((r) => r.role === undefined)).toBe(true);
    expect(agent?.offeredResources).toEqual([]);
  });

  it('an agent with no ports at all', () => {
    const [agent] = agentsFromStateJson(
      {
        slaves: [
          {
            id: 'S9',
            hostname: 'noports',
            port: 5051,
            resources: { cpus: 1, mem: 128 },
            unreserved_resources: { cpus: 1, mem: 128 },
            reserved_resources: {},
          },
        ],
      },
      '/master/slaves',
    );
    expect(rangesOf(agent?.resources ?? [])).toEqual([]);
    expect(agent?.resources.map((r) => r.name)).toEqual(['cpus', 'mem']);
  });

  it.each([
    [{}, /slaves should be an array but is missing/],
    [{ slaves: [{ id: 'S1', hostname: 'h', resources: {} }] }, /slaves\[0\]\.port should be a number \(or a pid with a port\)/],
    [{ slaves: [{ id: 'S1', hostname: 'h', port: 5051, resources: { ports: '[31000-' } }] }, /resource "ports" is "\[31000-"/],
    [{ slaves: [{ id: 7, hostname: 'h', port: 5051 }] }, /slaves\[0\]\.id should be a string but is number 7/],
    [{ slaves: [{ id: 'S1', hostname: 'h', port: 5051, attributes: { a: [1] } }] }, /attributes\.a should be a string or a number/],
  ])('garbage %j is an OperationError', (json, message) => {
    expect(() => agentsFromStateJson(json, '/master/slaves')).toThrow(OperationError);
    expect(() => agentsFromStateJson(json, '/master/slaves')).toThrow(message);
  });

  it('portFromPid', () => {
    expect(portFromPid('slave(1)@10.0.0.5:5051')).toBe(5051);
    expect(portFromPid('slave(1)@10.0.0.5')).toBeUndefined();
    expect(portFromPid('slave(1)@10.0.0.5:0')).toBeUndefined();
    expect(portFromPid(undefined)).toBeUndefined();
  });
});

describe('frameworks and tasks from recorded answers', () => {
  it('state JSON: running and completed frameworks', () => {
    const frameworks = frameworksFromStateJson(transcriptJson('91_master_GET_master_state_multirole_running'), '/master/state');
    const running = frameworks.find((f) => f.frameworkId.endsWith('-0003'));
    expect(running).toMatchObject({ completed: false, active: true, connected: true, roles: ['*'] });
    expect(frameworks.some((f) => f.completed)).toBe(true);
    expect(
      frameworksFromStateJson(transcriptJson('91_master_GET_master_frameworks_running'), '/master/frameworks').map((f) => f.frameworkId),
    ).toContain(running?.frameworkId);
  });

  it('state JSON: tasks with statuses and container ids; /master/tasks too', () => {
    const tasks = tasksFromStateJson(transcriptJson('91_master_GET_master_state_multirole_running'), '/master/state');
    const task = tasks.find((t) => t.taskId === 'probe-task-2');
    expect(task).toMatchObject({ agentId: AGENT_ID, executorId: undefined, state: 'TASK_RUNNING', list: 'active' });
    expect(task?.statuses.map((s) => s.state)).toEqual(['TASK_STARTING', 'TASK_RUNNING']);
    expect(task?.statuses[1]?.containerId).toBe('df4ca1ea-64e4-49d4-8ef9-22be4e8474b4');
    expect(formatRanges(rangesOf(task?.resources ?? []))).toBe('[30000-30000]');
    const listed = tasksFromStateJson(transcriptJson('52_master_GET_master_tasks'), '/master/tasks');
    expect(listed.map((t) => [t.taskId, t.state])).toEqual([['probe-task-1', 'TASK_FINISHED']]);
  });
});

describe('frameworks and tasks from the v1 operator API shapes', () => {
  it('GET_FRAMEWORKS', () => {
    const json = {
      type: 'GET_FRAMEWORKS',
      get_frameworks: {
        frameworks: [
          {
            framework_info: {
              user: 'root',
              name: 'alluxio',
              id: { value: 'F1' },
              roles: ['alluxio'],
              principal: 'alluxio',
              failover_timeout: 604800,
              capabilities: [{ type: 'MULTI_ROLE' }],
            },
            active: true,
            connected: true,
            recovered: false,
            registered_time: { nanoseconds: 1500000000000000000 },
          },
        ],
        completed_frameworks: [
          {
            framework_info: { user: 'u', name: 'old', id: { value: 'F0' }, role: 'batch' },
            active: false,
            connected: false,
            recovered: false,
          },
        ],
      },
    };
    expect(frameworksFromGetFrameworks(json, '/api/v1')).toEqual([
      {
        frameworkId: 'F1',
        name: 'alluxio',
        user: 'root',
        roles: ['alluxio'],
        principal: 'alluxio',
        hostname: undefined,
        webuiUrl: undefined,
        active: true,
        connected: true,
        completed: false,
        failoverTimeoutSeconds: 604800,
        registeredTime: 1500000000,
      },
      expect.objectContaining({ frameworkId: 'F0', roles: ['batch'], completed: true }),
    ]);
  });

  it('GET_TASKS', () => {
    const status = (state: string) => ({
      task_id: { value: 'T1' },
      state,
      timestamp: 1.5,
      container_status: { container_id: { value: 'C1' } },
    });
    const json = {
      get_tasks: {
        tasks: [
          {
            name: 'alluxio-master',
            task_id: { value: 'T1' },
            framework_id: { value: 'F1' },
            agent_id: { value: 'S1' },
            executor_id: { value: '' },
            state: 'TASK_RUNNING',
            resources: [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 19998, end: 19999 }] }, role: '*' }],
            statuses: [status('TASK_STARTING'), status('TASK_RUNNING')],
          },
        ],
        completed_tasks: [
          {
            name: 'w',
            task_id: { value: 'T0' },
            framework_id: { value: 'F1' },
            agent_id: { value: 'S1' },
            executor_id: { value: 'E0' },
            state: 'TASK_KILLED',
          },
        ],
      },
    };
    const [running, done] = tasksFromGetTasks(json, '/api/v1');
    expect(running).toMatchObject({ taskId: 'T1', executorId: undefined, state: 'TASK_RUNNING', list: 'active' });
    expect(running?.statuses[1]).toEqual({
      state: 'TASK_RUNNING',
      timestamp: 1.5,
      message: undefined,
      reason: undefined,
      healthy: undefined,
      containerId: 'C1',
    });
    expect(done).toMatchObject({ taskId: 'T0', executorId: 'E0', list: 'completed', statuses: [], resources: [] });
    expect(() => tasksFromGetTasks({ get_tasks: { tasks: [{ name: 'x' }] } }, '/api/v1')).toThrow(
      /task_id should be an object but is missing/,
    );
  });
});

describe('garbage never crashes the normalisers', () => {
  it('2000 random corruptions of recorded answers give a result or an OperationError', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const garbage = [null, 0, -1, 1.5, 'x', '[1-', '', true, [], {}, [null], { value: 1 }];
    const corrupt = (value: unknown): unknown => {
      if (random() < 0.04) return garbage[Math.floor(random() * garbage.length)];
      if (Array.isArray(value)) return value.map(corrupt);
      if (typeof value === 'object' && value !== null)
        return Object.fromEntries(
          Object.entries(value)
            .filter(() => random() > 0.03)
            .map(([k, v]) => [k, corrupt(v)]),
        );
      return value;
    };
    const documents = [transcriptJson('01_master_GET_master_slaves'), transcriptJson('91_master_GET_master_state_multirole_running')];
    const normalisers = [agentsFromStateJson, frameworksFromStateJson, tasksFromStateJson];
    let failures = 0;
    for (let i = 0; i < 2_000; i++) {
      const document = corrupt(documents[i % documents.length]);
      for (const normalise of normalisers) {
        try {
          normalise(document, '/master/state');
        } catch (error) {
          if (!(error instanceof OperationError)) throw new Error(`${normalise.name} threw ${String(error)}`);
          failures++;
        }
      }
    }
    // The corruptions must actually bite, or this test proves nothing.
    expect(failures).toBeGreaterThan(500);
  });
});
