import { describe, expect, it } from 'vitest';
import { evaluateAgent } from '../../../src/checkports/evaluate-agent.js';
import { defaultCheckPortsRequirements, type CheckPortsRequirements } from '../../../src/checkports/requirements.js';
import { resourcesFromFlattened } from '../../../src/mesos/resources/ranges.js';
import { ALLUXIO_AND_DEFAULT, agent, cpus, mem, ports, portsString } from './builders.js';

const req = defaultCheckPortsRequirements('1.x');
const withRole = (role: string): CheckPortsRequirements => ({ ...req, role });

describe('evaluateAgent: ports', () => {
  it('an agent with Alluxio and default ports can host both tasks', () => {
    const { verdict } = evaluateAgent(agent({ total: [cpus(4), mem(8192), ports(ALLUXIO_AND_DEFAULT)] }), req);
    expect(verdict.master).toEqual({ ok: true, reasons: [] });
    expect(verdict.worker).toEqual({ ok: true, reasons: [] });
    expect(verdict.masterAndWorker).toBe(true);
    expect(verdict.missingPorts).toEqual([]);
    expect(verdict.ports.usable).toBe('[19998-19999,29998-30000,31000-32000]');
  });

  it('an agent with no ports resource at all lacks every port, as "not advertised"', () => {
    const { verdict } = evaluateAgent(agent({ total: [cpus(4), mem(8192)] }), req);
    expect(verdict.master.ok).toBe(false);
    expect(verdict.worker.ok).toBe(false);
    expect(verdict.master.reasons).toEqual([
      'port 19998 (master rpc) is not advertised by the agent',
      'port 19999 (master web) is not advertised by the agent',
    ]);
    expect(verdict.worker.reasons).toHaveLength(3);
    expect(verdict.missingPorts).toEqual([19998, 19999, 29998, 29999, 30000]);
    expect(verdict.ports.usable).toBe('[]');
  });

  it('uses the union of several ports resources, not only the first', () => {
    const { verdict } = evaluateAgent(
      agent({ total: [cpus(4), mem(8192), ports([[31000, 32000]]), ports([[29998, 30000]]), ports([[19998, 19999]])] }),
      req,
    );
    expect(verdict.master.ok).toBe(true);
    expect(verdict.worker.ok).toBe(true);
  });

  it('normalises overlapping and unsorted ranges', () => {
    const { verdict } = evaluateAgent(
      agent({
        total: [
          cpus(4),
          mem(8192),
          ports([
            [30000, 30005],
            [19999, 19999],
            [29990, 29999],
            [19998, 19998],
            [29995, 30001],
          ]),
        ],
      }),
      req,
    );
    expect(verdict.ports.usable).toBe('[19998-19999,29990-30005]');
    expect(verdict.master.ok && verdict.worker.ok).toBe(true);
  });

  it('reads ports given as a ranges string, and legacy flattened maps', () => {
    const fromString = evaluateAgent(agent({ total: [cpus(4), mem(8192), portsString('[29998-30000, 19998-19999]')] }), req);
    expect(fromString.verdict.master.ok && fromString.verdict.worker.ok).toBe(true);

    const legacy = resourcesFromFlattened({ cpus: 2, mem: 4096, disk: 0, ports: '[31000-32000, 19998-19999]' }, '*', 'test');
    const fromLegacy = evaluateAgent(agent({ total: legacy }), req);
    expect(fromLegacy.verdict.master.ok).toBe(true);
    expect(fromLegacy.verdict.worker.reasons[0]).toBe('port 29998 (worker rpc) is not advertised by the agent');
  });

  it('ports reserved for another role are named with that role and are not "missing"', () => {
    const { verdict } = evaluateAgent(
      agent({ total: [cpus(4), mem(8192), ports([[31000, 32000]]), ports([[19998, 19999]], { role: 'spark' })] }),
      req,
    );
    expect(verdict.master.reasons).toEqual([
      "port 19998 (master rpc) is reserved for role 'spark'",
      "port 19999 (master web) is reserved for role 'spark'",
    ]);
    expect(verdict.missingPorts).toEqual([29998, 29999, 30000]);
  });

  it('ports reserved for our role are usable, static or dynamic, pre-refinement or refinement format', () => {
    for (const options of [{ role: 'alluxio' }, { dynamicRole: 'alluxio' }, { role: 'alluxio', refinementOnly: true }]) {
      const { verdict } = evaluateAgent(
        agent({
          total: [
            cpus(4),
            mem(8192),
            ports(
              [
                [19998, 19999],
                [29998, 30000],
              ],
              options,
            ),
          ],
        }),
        withRole('alluxio'),
      );
      expect(verdict.master.ok, JSON.stringify(options)).toBe(true);
      expect(verdict.worker.ok, JSON.stringify(options)).toBe(true);
    }
  });

  it('a reservation for a parent role is usable by a child role, not the other way round', () => {
    const parent = evaluateAgent(
      agent({
        total: [
          cpus(4),
          mem(8192),
          ports(
            [
              [19998, 19999],
              [29998, 30000],
            ],
            { role: 'eng' },
          ),
        ],
      }),
      withRole('eng/alluxio'),
    );
    expect(parent.verdict.worker.ok).toBe(true);
    const child = evaluateAgent(
      agent({
        total: [
          cpus(4),
          mem(8192),
          ports(
            [
              [19998, 19999],
              [29998, 30000],
            ],
            { role: 'eng/alluxio' },
          ),
        ],
      }),
      withRole('eng'),
    );
    expect(child.verdict.worker.reasons[0]).toBe("port 29998 (worker rpc) is reserved for role 'eng/alluxio'");
  });

  it('with role "*" resources reserved for any role are off limits, including cpus/mem', () => {
    const { verdict } = evaluateAgent(
      agent({ total: [cpus(4, { role: 'spark' }), mem(8192, { role: 'spark' }), ports(ALLUXIO_AND_DEFAULT)] }),
      req,
    );
    expect(verdict.worker.reasons).toEqual([
      'not enough cpus and mem: needs 1.1 cpus / 2080 MB (executor overhead included), has 0.0 cpus / 0 MB free',
    ]);
  });

  it('allocated ports are "in use"; offered ports are only noted', () => {
    const { verdict } = evaluateAgent(
      agent({
        total: [cpus(4), mem(8192), ports(ALLUXIO_AND_DEFAULT)],
        allocated: [cpus(0.2), mem(64), ports([[29999, 29999]])],
        offered: [ports([[19998, 19999]])],
      }),
      req,
    );
    expect(verdict.worker.reasons).toEqual(['port 29999 (worker data) is in use (allocated to a running task)']);
    expect(verdict.master.ok).toBe(true);
    expect(verdict.notes[0]).toMatch(/^ports 19998, 19999 are in an outstanding offer/);
    expect(verdict.ports.inUse).toBe('[29999-29999]');
  });
});

describe('evaluateAgent: cpus and mem', () => {
  it('counts the command executor overhead: 1 cpu free is not enough for a 1-cpu task', () => {
    const { verdict } = evaluateAgent(agent({ total: [cpus(1), mem(4096), ports(ALLUXIO_AND_DEFAULT)] }), req);
    expect(verdict.master.reasons).toEqual([
      'not enough cpus: needs 1.1 cpus / 1056 MB (executor overhead included), has 1.0 cpus / 4096 MB free',
    ]);
    const exact = evaluateAgent(agent({ total: [cpus(1.1), mem(1056), ports(ALLUXIO_AND_DEFAULT)] }), req);
    expect(exact.verdict.master.ok).toBe(true);
  });

  it('worker memory is ramdisk + overhead + executor, after what tasks already use', () => {
    const custom: CheckPortsRequirements = { ...req, worker: { ...req.worker, ramdiskMb: 4096, overheadMemMb: 1024 } };
    const { verdict } = evaluateAgent(
      agent({ total: [cpus(8), mem(8192), ports(ALLUXIO_AND_DEFAULT)], allocated: [cpus(1), mem(3500)] }),
      custom,
    );
    expect(verdict.worker.reasons).toEqual([
      'not enough mem: needs 1.1 cpus / 5152 MB (executor overhead included), has 7.0 cpus / 4692 MB free',
    ]);
    expect(verdict.free).toEqual({ cpus: 7, memMb: 4692 });
  });

  it('resources allocated from another role do not reduce what our role has', () => {
    const { verdict } = evaluateAgent(
      agent({
        total: [cpus(2), mem(4096), cpus(4, { role: 'spark' }), mem(8192, { role: 'spark' }), ports(ALLUXIO_AND_DEFAULT)],
        allocated: [cpus(4, { role: 'spark' }), mem(8192, { role: 'spark' })],
      }),
      req,
    );
    expect(verdict.free).toEqual({ cpus: 2, memMb: 4096 });
    expect(verdict.worker.ok).toBe(true);
  });

  it('masterAndWorker needs room for both tasks at once', () => {
    const { verdict } = evaluateAgent(agent({ total: [cpus(2), mem(8192), ports(ALLUXIO_AND_DEFAULT)] }), req);
    expect(verdict.master.ok && verdict.worker.ok).toBe(true);
    expect(verdict.masterAndWorker).toBe(false);
    const roomy = evaluateAgent(agent({ total: [cpus(2.2), mem(8192), ports(ALLUXIO_AND_DEFAULT)] }), req);
    expect(roomy.verdict.masterAndWorker).toBe(true);
  });
});

describe('evaluateAgent: versions and activity', () => {
  it('an agent older than 0.23.0 can host nothing and says why', () => {
    const { verdict, eligible } = evaluateAgent(agent({ version: '0.22.1', total: [cpus(4), mem(8192), ports(ALLUXIO_AND_DEFAULT)] }), req);
    expect(eligible).toBe(false);
    expect(verdict.master.reasons).toEqual(['agent runs Mesos 0.22.1, older than 0.23.0']);
    expect(verdict.worker.ok).toBe(false);
  });

  it('an unknown version is not held against the agent', () => {
    const { verdict, eligible } = evaluateAgent(agent({ version: '', total: [cpus(4), mem(8192), ports(ALLUXIO_AND_DEFAULT)] }), req);
    expect(eligible).toBe(true);
    expect(verdict.version).toBeNull();
    expect(verdict.worker.ok).toBe(true);
  });

  it('an inactive agent is not eligible', () => {
    const { verdict, eligible } = evaluateAgent(agent({ active: false, total: [cpus(4), mem(8192), ports(ALLUXIO_AND_DEFAULT)] }), req);
    expect(eligible).toBe(false);
    expect(verdict.active).toBe(false);
    expect(verdict.worker.reasons[0]).toMatch(/not active/);
  });
});
