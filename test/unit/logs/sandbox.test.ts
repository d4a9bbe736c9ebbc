import { describe, expect, it } from 'vitest';
import { agentBaseUrl, findExecutorDirectory, locateSandbox, AgentGoneError, SandboxGoneError } from '../../../src/logs/sandbox.js';
import { parseMesosVersion } from '../../../src/mesos/client/version.js';
import type { AgentRecord } from '../../../src/mesos/client/agents.js';
import type { TaskCandidate } from '../../../src/logs/task-match.js';
import { loadTranscript } from '../../helpers/transcripts.js';

const task: TaskCandidate = {
  taskId: 'probe-task-1',
  name: 'probe',
  state: 'TASK_FINISHED',
  frameworkId: 'b8564f73-9862-4214-8536-043f0ff29368-0000',
  agentId: 'b8564f73-9862-4214-8536-043f0ff29368-S0',
  executorId: undefined,
  agentHost: 'host-1',
  startedAt: undefined,
  alias: undefined,
};

function agent(version: string | undefined): AgentRecord {
  return {
    agentId: task.agentId,
    hostname: 'host-1',
    port: 5051,
    pid: 'slave(1)@10.0.0.5:5051',
    version,
    active: true,
    resources: [],
    usedResources: [],
    offeredResources: [],
    reservedResources: {},
    attributes: {},
  };
}

describe('locateSandbox', () => {
  it('uses the virtual runs/latest path from 1.5 without asking the agent', async () => {
    const location = await locateSandbox({
      task,
      agent: agent('1.12.0'),
      masterVersion: parseMesosVersion('1.12.0'),
      agentState: () => Promise.reject(new Error('not asked')),
    });
    expect(location).toMatchObject({ path: `/frameworks/${task.frameworkId}/executors/probe-task-1/runs/latest`, virtual: true });
    expect(location.endpoints.filesRead).toBe('/files/read');
  });

  it("takes the executor's directory from the agent state before 1.5, with .json names before 0.25", async () => {
    const state = {
      frameworks: [
        {
          id: task.frameworkId,
          executors: [],
          completed_executors: [
            { id: 'probe-task-1', directory: '/old/run' },
            { id: 'probe-task-1', directory: '/new/run' },
          ],
        },
      ],
    };
    const location = await locateSandbox({
      task,
      agent: agent('1.4.1'),
      masterVersion: parseMesosVersion('1.12.0'),
      agentState: async () => state,
    });
    expect(location).toMatchObject({ path: '/new/run', virtual: false });
    const old = await locateSandbox({
      task,
      agent: agent('0.24.1'),
      masterVersion: parseMesosVersion('0.24.1'),
      agentState: async (endpoints) => (endpoints.state === '/state.json' ? state : {}),
    });
    expect(old.endpoints.filesRead).toBe('/files/read.json');
    await expect(
      locateSandbox({
        task,
        agent: agent('1.4.1'),
        masterVersion: parseMesosVersion('1.4.1'),
        agentState: async () => ({ frameworks: [] }),
      }),
    ).rejects.toThrow(SandboxGoneError);
  });

  it('says clearly when the agent is gone', async () => {
    await expect(
      locateSandbox({ task, agent: undefined, masterVersion: parseMesosVersion('1.12.0'), agentState: async () => ({}) }),
    ).rejects.toThrow(AgentGoneError);
  });

  it('builds the agent URL from its pid', () => {
    expect(agentBaseUrl(agent('1.12.0'))).toBe('http://10.0.0.5:5051');
    expect(agentBaseUrl({ hostname: 'h', port: 5052, pid: undefined }, 'https')).toBe('https://h:5052');
  });
});

describe('findExecutorDirectory on a real agent /state', () => {
  it('finds the completed command executor of the recorded task', () => {
    const state = JSON.parse(loadTranscript('60_agent_GET_state_after_task').response.body.toString('utf8')) as unknown;
    const directory = findExecutorDirectory(state, task.frameworkId, 'probe-task-1');
    expect(directory).toMatch(/\/frameworks\/b8564f73-9862-4214-8536-043f0ff29368-0000\/executors\/probe-task-1\/runs\/[0-9a-f-]{36}$/);
    expect(findExecutorDirectory(state, task.frameworkId, 'other')).toBeUndefined();
  });

  it('finds the running executor while the task runs', () => {
    const state = JSON.parse(loadTranscript('40_agent_GET_state_with_task').response.body.toString('utf8')) as unknown;
    expect(findExecutorDirectory(state, task.frameworkId, 'probe-task-1')).toMatch(/\/executors\/probe-task-1\/runs\/[0-9a-f-]{36}$/);
  });
});
