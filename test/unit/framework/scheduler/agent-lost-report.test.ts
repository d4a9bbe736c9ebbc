/**
 * The agent-lost report in the order Mesos really sends things: the tasks' LOST updates first, then
 * the FAILURE event for the agent (found by test/integration/deploy against the local master).
 */
import { describe, expect, it } from 'vitest';
import { Harness, callsOf, reportsOf, update } from './fixtures.js';

describe('agent-lost report', () => {
  it('names the aliases whose tasks the removed agent took down, though their LOST came first', () => {
    const h = new Harness();
    const master = h.readyMaster('a1');
    h.step(update(master, 'a1', 'TASK_LOST', { reason: 'REASON_AGENT_REMOVED', message: 'health check timed out' }));
    const actions = h.step({ type: 'FAILURE', failure: { agent_id: { value: 'a1' } } });
    expect(reportsOf(actions)).toContainEqual({ type: 'agent-lost', agentId: 'a1', aliases: ['master-1'] });
    // Already known to be gone: nothing to reconcile.
    expect(callsOf(actions).filter((call) => call.type === 'RECONCILE')).toEqual([]);
  });

  it('does not blame the agent for a task that simply failed there earlier', () => {
    const h = new Harness();
    const master = h.readyMaster('a1');
    h.step(update(master, 'a1', 'TASK_FAILED', { message: 'Command exited with status 1' }));
    const actions = h.step({ type: 'FAILURE', failure: { agent_id: { value: 'a1' } } });
    expect(reportsOf(actions)).toContainEqual({ type: 'agent-lost', agentId: 'a1', aliases: [] });
  });
});
