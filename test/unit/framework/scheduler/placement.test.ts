/** Placement alone: offers and the scheduler's view in, one decision per offer out, nothing mutated. */
import { describe, expect, it } from 'vitest';
import { placeOffers, wantedSlots, type OfferDecision, type PlacementView } from '../../../../src/framework/scheduler/placement.js';
import type { LedgerTask } from '../../../../src/state/ledger.js';
import { makeConfig, offer } from './fixtures.js';

const NOW = 1_000_000;

function task(fields: Partial<LedgerTask> & Pick<LedgerTask, 'alias' | 'role' | 'agentId' | 'state'>): LedgerTask {
  return {
    taskId: `alluxio-${fields.alias}.x`,
    hostname: `${fields.agentId}.example`,
    ports: [],
    healthy: undefined,
    launchedAt: 0,
    relaunchCount: 0,
    failures: [],
    lastFailure: undefined,
    killRequested: undefined,
    relaunchAt: undefined,
    crashLooped: false,
    ...fields,
  };
}

function view(tasks: LedgerTask[] = [], config = makeConfig(), workerSearchOpen = true): PlacementView {
  return { config, tasks, workerSearchOpen };
}

/** A compact form of the decisions: `launch master a1`, `decline long nothing-needed`. */
function summary(decisions: readonly OfferDecision[]): string[] {
  return decisions.map((d) =>
    d.kind === 'launch'
      ? `launch ${d.role} ${d.offer.agent_id.value} -> ${d.masterHostname}${d.slot === undefined ? '' : ` (relaunch ${d.slot.alias})`}`
      : `decline ${d.transient ? 'short' : 'long'} ${d.reason.code}`,
  );
}

const RUNNING_MASTER = task({ alias: 'master-1', role: 'master', agentId: 'a1', state: 'TASK_RUNNING', healthy: true });

describe('placeOffers: masters', () => {
  it('puts the master on the first fitting offer and holds the rest briefly while it comes up', () => {
    const { decisions } = placeOffers([offer('a1'), offer('a2')], view(), undefined, NOW);
    expect(summary(decisions)).toEqual(['launch master a1 -> a1.example', 'decline short waiting-for-master']);
    const launch = decisions[0];
    expect(launch?.kind === 'launch' && launch.resources.map((r) => r.name)).toEqual(['cpus', 'mem', 'ports']);
  });

  it('declines long an offer that is not the pinned host, and takes the pinned one', () => {
    const config = makeConfig({ pinnedHost: 'A3.example' });
    const { decisions } = placeOffers([offer('a1'), offer('a3')], view([], config), undefined, NOW);
    expect(summary(decisions)).toEqual(['decline long not-pinned-host', 'launch master a3 -> a3.example']);
  });

  it('puts masters on distinct hosts, also within one batch', () => {
    const config = makeConfig({ masterCount: 2 });
    const offers = [offer('a1'), offer('a2', { hostname: 'a1.example' }), offer('a3')];
    expect(summary(placeOffers(offers, view([], config), undefined, NOW).decisions)).toEqual([
      'launch master a1 -> a1.example',
      'decline long host-has-master',
      'launch master a3 -> a3.example',
    ]);
  });

  it('gives the reason of the resource fit when the offer is too small', () => {
    const { decisions } = placeOffers([offer('a1', { cpus: 0.5 })], view(), undefined, NOW);
    expect(summary(decisions)).toEqual(['decline long insufficient-cpus']);
  });
});

describe('placeOffers: workers', () => {
  it('starts workers only with a ready master, one per agent, pointed at that master', () => {
    const worker = task({ alias: 'worker-1', role: 'worker', agentId: 'a2', state: 'TASK_RUNNING' });
    const offers = [offer('a2'), offer('a3'), offer('a4')];
    const { decisions } = placeOffers(offers, view([RUNNING_MASTER, worker], makeConfig({ maxWorkers: 3 })), 'a1.example', NOW);
    expect(summary(decisions)).toEqual([
      'decline long host-has-worker',
      'launch worker a3 -> a1.example',
      'launch worker a4 -> a1.example',
    ]);
  });

  it('declines long once every task is placed', () => {
    const workers = [1, 2].map((n) => task({ alias: `worker-${n}`, role: 'worker', agentId: `a${n + 1}`, state: 'TASK_RUNNING' }));
    const { decisions } = placeOffers([offer('a9')], view([RUNNING_MASTER, ...workers]), 'a1.example', NOW);
    expect(summary(decisions)).toEqual(['decline long nothing-needed']);
  });
});

describe('placeOffers: every fitting offer of one OFFERS event at once', () => {
  it('with a ready master and no worker maximum, 100 offers of one event are 100 worker launches, none held back', () => {
    const offers = Array.from({ length: 100 }, (_, i) => offer(`b${i}`));
    const { decisions } = placeOffers(offers, view([RUNNING_MASTER], makeConfig({ maxWorkers: undefined })), 'a1.example', NOW);
    expect(decisions.filter((d) => d.kind === 'launch' && d.role === 'worker')).toHaveLength(100);
    expect(new Set(decisions.map((d) => (d.kind === 'launch' ? d.offer.agent_id.value : 'declined')))).toHaveLength(100);
  });
});

describe('placeOffers: workers with the master (workersWithMaster)', () => {
  it('places the master and the workers in the same round, workers pointed at the master placed by it', () => {
    const config = makeConfig({ workersWithMaster: true, maxWorkers: 3, pinnedHost: 'a4.example' });
    const offers = [offer('a1'), offer('a2'), offer('a3'), offer('a4')];
    expect(summary(placeOffers(offers, view([], config), undefined, NOW).decisions)).toEqual([
      'launch worker a1 -> a4.example',
      'launch worker a2 -> a4.example',
      'launch worker a3 -> a4.example',
      'launch master a4 -> a4.example',
    ]);
  });

  it('without it, the same round launches the master only and holds the rest briefly', () => {
    const config = makeConfig({ maxWorkers: 3, pinnedHost: 'a4.example' });
    const offers = [offer('a1'), offer('a2'), offer('a3'), offer('a4')];
    expect(summary(placeOffers(offers, view([], config), undefined, NOW).decisions)).toEqual([
      'decline long not-pinned-host',
      'decline long not-pinned-host',
      'decline long not-pinned-host',
      'launch master a4 -> a4.example',
    ]);
  });

  it('with no master placed (none fits), workers still wait for one', () => {
    const config = makeConfig({ workersWithMaster: true, maxWorkers: 3 });
    const { decisions } = placeOffers(
      [offer('a1', { ports: [[29998, 30000]] }), offer('a2', { ports: [[29998, 30000]] })],
      view([], config),
      undefined,
      NOW,
    );
    expect(summary(decisions)).toEqual(['decline long missing-port', 'decline long missing-port']);
  });
});

describe('placeOffers: relaunches', () => {
  it('reuses a dead alias whose backoff is over before creating a new one', () => {
    const dead = task({ alias: 'master-1', role: 'master', agentId: 'a1', state: 'TASK_FAILED', relaunchAt: NOW });
    const { decisions } = placeOffers([offer('a5')], view([dead]), undefined, NOW);
    expect(summary(decisions)).toEqual(['launch master a5 -> a5.example (relaunch master-1)']);
  });

  it('declines briefly while an alias waits for its backoff', () => {
    const running = task({ alias: 'worker-1', role: 'worker', agentId: 'a2', state: 'TASK_RUNNING' });
    const dead = task({ alias: 'worker-2', role: 'worker', agentId: 'a3', state: 'TASK_FAILED', relaunchAt: NOW + 1 });
    const { decisions } = placeOffers([offer('a5')], view([RUNNING_MASTER, running, dead]), 'a1.example', NOW);
    expect(summary(decisions)).toEqual(['decline short relaunch-backoff']);
  });

  it('never relaunches a crash-looped alias', () => {
    const looped = task({ alias: 'master-1', role: 'master', agentId: 'a1', state: 'TASK_FAILED', relaunchAt: NOW, crashLooped: true });
    expect(wantedSlots(view([looped]), 'master', NOW)).toMatchObject({ relaunch: [], fresh: 0, wanted: 0, backingOff: false });
  });
});

describe('placeOffers: open worker count', () => {
  const open = makeConfig({ maxWorkers: undefined });

  it('ends the worker search when no offered agent took a worker', () => {
    const worker = task({ alias: 'worker-1', role: 'worker', agentId: 'a2', state: 'TASK_RUNNING' });
    const result = placeOffers([offer('a2')], view([RUNNING_MASTER, worker], open), 'a1.example', NOW);
    expect(summary(result.decisions)).toEqual(['decline long host-has-worker']);
    expect(result.workerSearchExhausted).toBe(true);
  });

  it('keeps searching while offers still reveal agents without a worker', () => {
    const result = placeOffers([offer('a2')], view([RUNNING_MASTER], open), 'a1.example', NOW);
    expect(summary(result.decisions)).toEqual(['launch worker a2 -> a1.example']);
    expect(result.workerSearchExhausted).toBe(false);
  });

  it('wants no new worker once the search is closed', () => {
    expect(wantedSlots(view([RUNNING_MASTER], open, false), 'worker', NOW).wanted).toBe(0);
    expect(wantedSlots(view([RUNNING_MASTER], open, true), 'worker', NOW).wanted).toBe(Number.POSITIVE_INFINITY);
  });

  it('never ends the search with a fixed worker maximum', () => {
    const result = placeOffers([offer('a1')], view([RUNNING_MASTER]), 'a1.example', NOW);
    expect(result.workerSearchExhausted).toBe(false);
  });
});

it('changes nothing it is given', () => {
  const tasks = [RUNNING_MASTER, task({ alias: 'worker-1', role: 'worker', agentId: 'a2', state: 'TASK_FAILED', relaunchAt: NOW })];
  const before = structuredClone(tasks);
  const offers = [offer('a2'), offer('a3')];
  const offersBefore = structuredClone(offers);
  placeOffers(offers, view(tasks), 'a1.example', NOW);
  expect(tasks).toEqual(before);
  expect(offers).toEqual(offersBefore);
});

describe('placeOffers: a dead worker keeps its agent (a divergence seen on real Mesos 1.12)', () => {
  const w1 = task({ alias: 'worker-1', role: 'worker', agentId: 'a1', state: 'TASK_RUNNING' });
  const w2 = task({ alias: 'worker-2', role: 'worker', agentId: 'a2', state: 'TASK_RUNNING' });
  const open = makeConfig({ maxWorkers: undefined });
  const dead = (relaunchAt: number): LedgerTask =>
    task({ alias: 'worker-3', role: 'worker', agentId: 'a3', state: 'TASK_FAILED', relaunchAt, failures: [NOW - 1] });

  it('during the backoff, the freed agent is held for it: no new alias takes it', () => {
    const tasks = [RUNNING_MASTER, w1, w2, dead(NOW + 5_000)];
    expect(summary(placeOffers([offer('a3')], view(tasks, open), 'a1.example', NOW).decisions)).toEqual(['decline short relaunch-backoff']);
  });

  it('once the backoff is over, the same alias is relaunched on its own agent', () => {
    const tasks = [RUNNING_MASTER, w1, w2, dead(NOW - 1)];
    expect(summary(placeOffers([offer('a4'), offer('a3')], view(tasks, open), 'a1.example', NOW).decisions)).toEqual([
      'launch worker a4 -> a1.example',
      'launch worker a3 -> a1.example (relaunch worker-3)',
    ]);
  });

  it('a due relaunch whose agent does not offer (it may be gone) goes to another free agent before any new alias', () => {
    const tasks = [RUNNING_MASTER, w1, w2, dead(NOW - 1)];
    expect(summary(placeOffers([offer('a4')], view(tasks, open), 'a1.example', NOW).decisions)).toEqual([
      'launch worker a4 -> a1.example (relaunch worker-3)',
    ]);
  });

  it('with a worker maximum, another agent in the same batch does not take the relaunch from its own agent', () => {
    const tasks = [RUNNING_MASTER, w1, w2, dead(NOW - 1)];
    const config = makeConfig({ maxWorkers: 3 });
    expect(summary(placeOffers([offer('a4'), offer('a3')], view(tasks, config), 'a1.example', NOW).decisions)).toEqual([
      'decline short relaunch-backoff',
      'launch worker a3 -> a1.example (relaunch worker-3)',
    ]);
  });

  it('a crash-looped alias holds nothing', () => {
    const looped = { ...dead(NOW - 1), crashLooped: true, relaunchAt: undefined };
    expect(summary(placeOffers([offer('a3')], view([RUNNING_MASTER, w1, w2, looped], open), 'a1.example', NOW).decisions)).toEqual([
      'launch worker a3 -> a1.example',
    ]);
  });
});

describe('placeOffers: the embedded journal names the master hosts', () => {
  it('declines long every other host, and puts the masters on the named ones', () => {
    const config = makeConfig({ masterCount: 2, journalHosts: ['a2.example', 'A3.example'] });
    const { decisions } = placeOffers([offer('a1'), offer('a2'), offer('a3')], view([], config), undefined, NOW);
    expect(summary(decisions)).toEqual([
      'decline long not-journal-host',
      'launch master a2 -> a2.example',
      'launch master a3 -> a3.example',
    ]);
  });
});
