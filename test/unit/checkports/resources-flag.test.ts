import { describe, expect, it } from 'vitest';
import { evaluateAgent } from '../../../src/checkports/evaluate-agent.js';
import { defaultCheckPortsRequirements, type CheckPortsRequirements } from '../../../src/checkports/requirements.js';
import { agentBinary, buildResourcesValue, resourcesFlagFixes } from '../../../src/checkports/resources-flag.js';
import { shellQuote } from '../../../src/shared/shell-quote.js';
import { parseRangesString } from '../../../src/mesos/resources/ranges.js';
import type { Resource } from '../../../src/mesos/protocol/types.js';
import { ALLUXIO_AND_DEFAULT, agent, cpus, disk, mem, ports, scalar, set } from './builders.js';

const req = defaultCheckPortsRequirements('1.x');
const alluxioPorts = [19998, 19999, 29998, 29999, 30000];

function fixesFor(agents: ReturnType<typeof agent>[], requirements: CheckPortsRequirements = req) {
  return resourcesFlagFixes(
    agents.map((a) => evaluateAgent(a, requirements)),
    requirements,
  );
}

describe('buildResourcesValue', () => {
  it("merges the agent's current ranges with Alluxio's and keeps its other resources", () => {
    const { value } = buildResourcesValue([cpus(4), mem(8192), disk(100000), ports([[31000, 32000]])], alluxioPorts, '*');
    expect(value).toBe('cpus:4;mem:8192;disk:100000;ports:[19998-19999,29998-30000,31000-32000]');
  });

  it('joins adjacent ranges and normalises overlapping, unsorted ones', () => {
    const { value } = buildResourcesValue(
      [
        ports([
          [30001, 30010],
          [31000, 32000],
        ]),
        ports([
          [31500, 32500],
          [19990, 19997],
        ]),
      ],
      alluxioPorts,
      '*',
    );
    expect(value).toBe('ports:[19990-19999,29998-30010,31000-32500]');
  });

  it('adds a ports entry when the agent has none', () => {
    const { value } = buildResourcesValue([cpus(2), mem(1024)], alluxioPorts, '*');
    expect(value).toBe('cpus:2;mem:1024;ports:[19998-19999,29998-30000]');
  });

  it('keeps static reservations, other range and set resources; sums split scalars', () => {
    const { value } = buildResourcesValue(
      [
        cpus(2),
        cpus(2),
        cpus(2, { role: 'spark' }),
        mem(4096),
        ports([[31000, 32000]]),
        ports([[5000, 5010]], { role: 'spark' }),
        { name: 'ephemeral_ports', type: 'RANGES', ranges: { range: [{ begin: 32768, end: 57344 }] }, role: '*' },
        set('gpu_models', ['v100', 'a100']),
        scalar('gpus', 0),
      ],
      alluxioPorts,
      '*',
    );
    expect(value).toBe(
      'cpus:4;cpus(spark):2;mem:4096;ports:[19998-19999,29998-30000,31000-32000];ports(spark):[5000-5010];' +
        'ephemeral_ports:[32768-57344];gpu_models:{a100,v100}',
    );
  });

  it('undoes dynamic reservations: their amounts go back to where they came from', () => {
    const { value } = buildResourcesValue(
      [cpus(3), cpus(1, { dynamicRole: 'web' }), mem(4096, { role: 'db', dynamicRole: 'db/x' }), ports([[31000, 32000]])],
      [],
      '*',
    );
    expect(value).toBe('cpus:4;mem(db):4096;ports:[31000-32000]');
  });

  it('with a role, Alluxio ports go into ports(ROLE) and unreserved ranges stay as they are', () => {
    const { value } = buildResourcesValue(
      [cpus(4), ports([[31000, 32000]]), ports([[40000, 40010]], { role: 'alluxio' })],
      alluxioPorts,
      'alluxio',
    );
    expect(value).toBe('cpus:4;ports:[31000-32000];ports(alluxio):[19998-19999,29998-30000,40000-40010]');
  });

  it('reports disks it cannot express', () => {
    const mount = { ...disk(50000), disk: { source: { type: 'MOUNT' } } } as Resource;
    const { value, dropped } = buildResourcesValue([cpus(1), mount], [], '*');
    expect(value).toBe('cpus:1');
    expect(dropped).toEqual(['disk with a MOUNT source']);
  });
});

describe('resourcesFlagFixes', () => {
  it('gives a flag only to agents that lack ports, and the flag round-trips through parseRangesString', () => {
    const ok = agent({ hostname: 'ok', total: [cpus(4), mem(8192), ports(ALLUXIO_AND_DEFAULT)] });
    const lacking = agent({ hostname: 'lacking', total: [cpus(4), mem(8192), ports([[31000, 32000]])] });
    const { fixes } = fixesFor([ok, lacking]);
    expect(fixes).toHaveLength(1);
    const fix = fixes[0]!;
    expect(fix.agents).toEqual(['lacking']);
    expect(fix.flag).toBe("--resources='cpus:4;mem:8192;ports:[19998-19999,29998-30000,31000-32000]'");
    expect(fix.env).toBe("MESOS_RESOURCES='cpus:4;mem:8192;ports:[19998-19999,29998-30000,31000-32000]'");
    const portsPart = /ports:(\[[^\]]*\])/.exec(fix.resources)![1]!;
    expect(parseRangesString(portsPart)).toEqual(parseRangesString('[19998-19999,29998-30000,31000-32000]'));
  });

  it('groups agents that need the identical flag, separates different ones', () => {
    const same1 = agent({ hostname: 'a1', total: [cpus(4), mem(8192), ports([[31000, 32000]])] });
    const same2 = agent({
      hostname: 'a2',
      total: [
        mem(8192),
        ports([
          [31000, 31500],
          [31501, 32000],
        ]),
        cpus(4),
      ],
    });
    const other = agent({ hostname: 'b1', total: [cpus(8), mem(8192), ports([[31000, 32000]])] });
    const { fixes } = fixesFor([same1, other, same2]);
    expect(fixes.map((fix) => fix.agents)).toEqual([['a1', 'a2'], ['b1']]);
  });

  it('names the binary by version: mesos-slave before 1.0, mesos-agent from 1.0', () => {
    expect(agentBinary('0.28.2')).toBe('mesos-slave');
    expect(agentBinary('1.0.0')).toBe('mesos-agent');
    expect(agentBinary(undefined)).toBe('mesos-agent');
    const old = agent({ hostname: 'old', version: '0.28.2', total: [cpus(4), mem(8192)] });
    const young = agent({ hostname: 'young', version: '1.4.0', total: [cpus(4), mem(8192)] });
    const { fixes } = fixesFor([old, young]);
    expect(fixes.map((fix) => [fix.agents[0], fix.binary])).toEqual([
      ['old', 'mesos-slave'],
      ['young', 'mesos-agent'],
    ]);
  });

  it('warns about the restart: additive reconfiguration from 1.5, metadata removal before', () => {
    const before = fixesFor([agent({ version: '1.4.3', total: [cpus(4), mem(4096)] })]).fixes[0]!;
    expect(before.restartNote).toMatch(/Before Mesos 1\.5/);
    expect(before.restartNote).toMatch(/meta\/slaves\/latest/);
    const after = fixesFor([agent({ version: '1.12.0', total: [cpus(4), mem(4096)] })]).fixes[0]!;
    expect(after.restartNote).toMatch(/--reconfiguration_policy=additive/);
    const { warnings } = fixesFor([agent({ total: [cpus(4), mem(4096)] })]);
    expect(warnings[0]).toMatch(/replaces Mesos' default ports:\[31000-32000\]/);
  });

  it('prefers the startup resources (agent_info) over the totals', () => {
    const a = agent({
      total: [cpus(4), cpus(2, { dynamicRole: 'x' }), mem(8192), ports([[31000, 32000]])],
      startup: [cpus(6), mem(8192), ports([[31000, 32000]])],
    });
    expect(fixesFor([a]).fixes[0]!.resources).toBe('cpus:6;mem:8192;ports:[19998-19999,29998-30000,31000-32000]');
  });

  it('skips inactive agents, agents below the floor, and ports that only another role holds', () => {
    const inactive = agent({ active: false, total: [cpus(4), mem(4096)] });
    const ancient = agent({ version: '0.22.0', total: [cpus(4), mem(4096)] });
    const reserved = agent({
      hostname: 'reserved',
      total: [
        cpus(4),
        mem(8192),
        ports(
          [
            [19998, 19999],
            [29998, 30000],
          ],
          { role: 'spark' },
        ),
      ],
    });
    const { fixes } = fixesFor([inactive, ancient, reserved]);
    expect(fixes).toEqual([]);
  });

  it('gives no flag to an agent too small for either task, and says so', () => {
    const tiny = agent({ hostname: 'tiny', total: [cpus(0.5), mem(512), ports([[31000, 32000]])] });
    const { fixes, warnings } = fixesFor([tiny]);
    expect(fixes).toEqual([]);
    expect(warnings).toEqual(["1 agent lacks Alluxio's ports but is too small for either task, so no flag is given for it: tiny"]);
  });

  it('in the role form only the missing ports are added to ports(ROLE)', () => {
    const requirements: CheckPortsRequirements = { ...req, role: 'alluxio' };
    const a = agent({ total: [cpus(4), mem(8192), ports([[31000, 32000]]), ports([[19998, 19999]], { role: 'alluxio' })] });
    expect(fixesFor([a], requirements).fixes[0]!.resources).toBe(
      'cpus:4;mem:8192;ports:[31000-32000];ports(alluxio):[19998-19999,29998-30000]',
    );
  });

  it('quotes for a POSIX shell', () => {
    expect(shellQuote("a'b")).toBe("'a'\\''b'");
  });
});
