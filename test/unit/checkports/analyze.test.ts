import { describe, expect, it } from 'vitest';
import { analyzeCheckPorts, type CheckPortsInput } from '../../../src/checkports/analyze.js';
import { placeAlluxio } from '../../../src/checkports/placement.js';
import { defaultCheckPortsRequirements, type CheckPortsRequirements } from '../../../src/checkports/requirements.js';
import type { AgentVerdict } from '../../../src/checkports/report-types.js';
import { ALLUXIO_AND_DEFAULT, agent, cpus, mem, ports } from './builders.js';

const req = defaultCheckPortsRequirements('1.x');

const good = (hostname: string, extra: Partial<Parameters<typeof agent>[0]> = {}) =>
  agent({ hostname, total: [cpus(4), mem(8192), ports(ALLUXIO_AND_DEFAULT)], ...extra });
const portless = (hostname: string) => agent({ hostname, total: [cpus(4), mem(8192), ports([[31000, 32000]])] });

function run(overrides: Partial<CheckPortsInput> & { requirements?: CheckPortsRequirements } = {}) {
  return analyzeCheckPorts({
    master: { address: 'mesos.example.com:5050', version: '1.12.0' },
    agents: [],
    requirements: req,
    ...overrides,
  });
}

describe('analyzeCheckPorts: verdict', () => {
  it('passes with one master and one worker placeable, and counts only active agents', () => {
    const report = run({ agents: [good('a'), good('b'), portless('c'), good('d', { active: false })] });
    expect(report.verdict.ok).toBe(true);
    expect(report.summary).toMatchObject({ agents: 4, active: 3, inactive: 1, canRunMaster: 2, canRunWorker: 2 });
    expect(report.summary.line).toBe('2 of 3 agents can run a worker; 2 can run the master');
    expect(report.verdict.placement.masters).toEqual(['a']);
    // a has room for both tasks, so it keeps its worker.
    expect(report.verdict.placement.workers).toEqual(['a', 'b']);
    expect(report.summary.placeableWorkers).toBe(2);
  });

  it('fails when fewer agents than masterCount can run a master', () => {
    const report = run({ agents: [good('a'), good('b'), portless('c')], requirements: { ...req, masterCount: 3 } });
    expect(report.verdict.ok).toBe(false);
    expect(report.verdict.reasons).toEqual(['3 masters are configured but only 2 agents can run one']);
    expect(report.verdict.placement.masters).toEqual([]);
  });

  it('fails when the only worker-capable agent is needed for the master and cannot hold both', () => {
    const tight = agent({ hostname: 'tight', total: [cpus(2), mem(8192), ports(ALLUXIO_AND_DEFAULT)] });
    const report = run({ agents: [tight] });
    expect(report.verdict.ok).toBe(false);
    expect(report.verdict.reasons).toEqual([
      'the only agents that can run a worker are needed for the masters, and none of them has room for both',
    ]);
    const roomy = agent({ hostname: 'roomy', total: [cpus(3), mem(8192), ports(ALLUXIO_AND_DEFAULT)] });
    expect(run({ agents: [roomy] }).verdict.ok).toBe(true);
  });

  it('fails with no agents at all', () => {
    const report = run({ agents: [] });
    expect(report.verdict.ok).toBe(false);
    expect(report.verdict.reasons).toEqual(['no agent can run the Alluxio master', 'no agent can run an Alluxio worker']);
    expect(report.summary.line).toBe('0 of 0 agents can run a worker; 0 can run the master');
  });

  it('--strict fails unless every active agent fits a worker', () => {
    const agents = [good('a'), good('b'), portless('c'), portless('d')];
    const loose = run({ agents });
    expect(loose.verdict.ok).toBe(true);
    const strict = run({ agents, strict: true });
    expect(strict.verdict.ok).toBe(false);
    expect(strict.verdict.strict).toBe(true);
    expect(strict.verdict.reasons).toEqual(['--strict: 2 active agents cannot run a worker: c, d']);
    expect(run({ agents: [good('a'), good('b'), good('z', { active: false, total: [] })], strict: true }).verdict.ok).toBe(true);
  });
});

describe('analyzeCheckPorts: versions', () => {
  it('fails when the master is older than 0.23.0, naming the version and the floor', () => {
    const report = run({ master: { address: 'm:5050', version: '0.22.1' }, agents: [good('a'), good('b')] });
    expect(report.master.ok).toBe(false);
    expect(report.master.reasons).toEqual(['the Mesos master runs 0.22.1; Alluxio on Mesos needs 0.23.0 or later']);
    expect(report.verdict.ok).toBe(false);
    expect(report.verdict.reasons[0]).toBe(report.master.reasons[0]);
  });

  it('warns, without failing, when the master is older than 1.0.0', () => {
    const report = run({ master: { address: 'm:5050', version: '0.28.2' }, agents: [good('a'), good('b')] });
    expect(report.master.ok).toBe(true);
    expect(report.master.warnings).toEqual(['the Mesos master runs 0.28.2; `deploy` needs the v1 scheduler API, stable from Mesos 1.0.0']);
    expect(report.verdict.ok).toBe(true);
  });

  it('lists agents older than 0.23.0 and does not place anything on them', () => {
    const report = run({ agents: [good('a'), good('old1', { version: '0.22.0' }), good('old2', { version: '0.21.1' })] });
    expect(report.warnings).toEqual(['2 agents run Mesos older than 0.23.0 and cannot be used: old1 (0.22.0), old2 (0.21.1)']);
    expect(report.summary.belowVersionFloor).toBe(2);
    expect(report.summary.canRunWorker).toBe(1);
    expect(report.verdict.placement).toEqual({ masters: ['a'], workers: ['a'] });
  });

  it('warns when the master version is unknown', () => {
    const report = run({ master: { address: 'm:5050' }, agents: [good('a'), good('b')] });
    expect(report.master.version).toBeNull();
    expect(report.master.warnings[0]).toMatch(/could not tell the Mesos master's version/);
    expect(report.verdict.ok).toBe(true);
  });
});

describe('analyzeCheckPorts: document', () => {
  it('every agent record carries the fields scripts rely on and survives JSON', () => {
    const report = run({ agents: [good('a'), portless('b')], suggestPorts: true });
    const parsed = JSON.parse(JSON.stringify(report)) as typeof report;
    expect(parsed).toEqual(report);
    for (const record of parsed.agents) {
      expect(Object.keys(record)).toEqual(expect.arrayContaining(['hostname', 'agentId', 'version', 'active', 'master', 'worker']));
      expect(Object.keys(record.master).sort()).toEqual(['ok', 'reasons']);
      expect(Object.keys(record.worker).sort()).toEqual(['ok', 'reasons']);
    }
    expect(parsed.fixes.resourcesFlags[0]).toMatchObject({ agents: ['b'], binary: 'mesos-agent' });
    expect(parsed.fixes.suggestedPorts?.worker.ports).toHaveLength(3);
    expect(parsed.requirements).toEqual({
      role: '*',
      masterCount: 1,
      master: { ports: [19998, 19999], cpus: 1.1, memMb: 1056 },
      worker: { ports: [29998, 29999, 30000], cpus: 1.1, memMb: 2080 },
    });
  });

  it('suggestedPorts is present only when asked for', () => {
    expect('suggestedPorts' in run({ agents: [good('a')] }).fixes).toBe(false);
  });
});

describe('placeAlluxio', () => {
  const verdict = (hostname: string, master: boolean, worker: boolean, both: boolean): AgentVerdict => ({
    hostname,
    agentId: hostname,
    version: '1.12.0',
    active: true,
    master: { ok: master, reasons: master ? [] : ['x'] },
    worker: { ok: worker, reasons: worker ? [] : ['x'] },
    masterAndWorker: both,
    free: { cpus: 0, memMb: 0 },
    ports: { usable: '[]', inUse: '[]' },
    missingPorts: [],
    notes: [],
  });

  it('puts masters where they cost the fewest workers', () => {
    const agents = [
      verdict('w1', true, true, false),
      verdict('m-only', true, false, false),
      verdict('both', true, true, true),
      verdict('w2', false, true, false),
    ];
    const outcome = placeAlluxio(agents, 2);
    expect(outcome.reasons).toEqual([]);
    expect(outcome.placement.masters).toEqual(['m-only', 'both']);
    expect(outcome.placement.workers).toEqual(['w1', 'both', 'w2']);
  });
});

describe('analyzeCheckPorts: agent order', () => {
  it('lists agents by hostname, numbers compared as numbers, whatever order Mesos registered them in', () => {
    const registered = ['127.0.0.10', '127.0.0.9', 'b-2.example', '127.0.0.2', 'b-10.example', 'a.example'];
    const report = run({ agents: registered.map((hostname) => good(hostname)) });
    expect(report.agents.map((verdict) => verdict.hostname)).toEqual([
      '127.0.0.2',
      '127.0.0.9',
      '127.0.0.10',
      'a.example',
      'b-2.example',
      'b-10.example',
    ]);
    // The placement follows the same order, so it no longer depends on registration order.
    expect(run({ agents: [...registered].reverse().map((hostname) => good(hostname)) }).verdict.placement).toEqual(
      report.verdict.placement,
    );
  });
});
