import { describe, expect, it } from 'vitest';
import { describeRollout, renderPlan } from '../../../../src/commands/common/rollout-text.js';
import type { RolloutPlan } from '../../../../src/framework/scheduler/rollout-plan.js';

const plan = (fields: Partial<RolloutPlan>): RolloutPlan => ({
  first: false,
  changes: [],
  restart: [],
  scale: undefined,
  batches: [],
  batchSize: 1,
  masterReplaced: false,
  unchanged: false,
  ...fields,
});

describe('the plan in words', () => {
  it('lists the property changes per alias range, the order in batches and the master warning', () => {
    expect(
      renderPlan(
        plan({
          changes: [
            {
              role: 'worker',
              aliases: ['worker-1', 'worker-2', 'worker-3', 'worker-4', 'worker-5'],
              changes: ['task mem 1568 -> 1312 MB', 'alluxio.worker.memory.size 512MB -> 256MB'],
            },
            { role: 'master', aliases: ['master-1'], changes: ['alluxio.worker.memory.size 512MB -> 256MB'] },
          ],
          batches: [['worker-1', 'worker-2'], ['worker-3', 'worker-4'], ['worker-5'], ['master-1']],
          batchSize: 2,
          masterReplaced: true,
        }),
      ),
    ).toEqual([
      'worker-1..5: task mem 1568 -> 1312 MB, alluxio.worker.memory.size 512MB -> 256MB',
      'master-1: alluxio.worker.memory.size 512MB -> 256MB',
      'order (batches of at most 2, each RUNNING and healthy before the next): worker-1..2 | worker-3..4 | worker-5 | master-1',
      'warning: the Alluxio master is replaced last; the Alluxio service is unavailable until it is back',
    ]);
  });

  it('says scaling down stops the newest first, and what an unchanged or first deploy means', () => {
    expect(renderPlan(plan({ scale: { from: 5, to: 2 } }))).toEqual(['workers: 5 -> 2 (the newest workers stop first, gracefully)']);
    expect(renderPlan(plan({ unchanged: true }))).toEqual(['No change: the desired state is the one the scheduler has.']);
    expect(renderPlan(plan({ first: true }))[0]).toMatch(/^No desired state is recorded yet/);
  });

  it('describes a halted rollout with where, why and what to do', () => {
    expect(
      describeRollout({
        revision: 4,
        phase: 'halted',
        startedAt: 0,
        previous: undefined,
        inFlight: [],
        done: ['worker-1', 'worker-2'],
        pending: [],
        halt: { alias: 'worker-3', reason: 'the replacement of worker-3 (t) failed its health check', at: 1 },
      }),
    ).toBe(
      'rollout 4 HALTED at worker-3: the replacement of worker-3 (t) failed its health check (replaced worker-1..2); ' +
        'fix and re-apply, or run `alluxio-mesos rollout undo`',
    );
  });
});
