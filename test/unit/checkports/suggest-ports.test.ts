import { describe, expect, it } from 'vitest';
import { evaluateAgent } from '../../../src/checkports/evaluate-agent.js';
import { defaultCheckPortsRequirements, type CheckPortsRequirements } from '../../../src/checkports/requirements.js';
import { bestAdjacentBlock, suggestedPortProperties, suggestPorts } from '../../../src/checkports/suggest-ports.js';
import { agent, cpus, mem, ports } from './builders.js';

const req1 = defaultCheckPortsRequirements('1.x');
const req2 = defaultCheckPortsRequirements('2.x');

function suggest(agents: ReturnType<typeof agent>[], req: CheckPortsRequirements = req1, masterCount = 1) {
  return suggestPorts(
    agents.map((a) => evaluateAgent(a, req)),
    req,
    { masterCount },
  );
}

const big = (ranges: Array<[number, number]>, extra: { allocated?: ReturnType<typeof ports>[] } = {}) =>
  agent({ total: [cpus(8), mem(16384), ports(ranges)], allocated: extra.allocated ?? [] });

describe('bestAdjacentBlock', () => {
  it('finds the lowest start covered by the most lists', () => {
    const lists = [
      [{ begin: 100, end: 110 }],
      [{ begin: 105, end: 120 }],
      [
        { begin: 108, end: 109 },
        { begin: 200, end: 300 },
      ],
    ];
    expect(bestAdjacentBlock(lists, 2)).toEqual({ start: 108, covered: 3 });
    expect(bestAdjacentBlock(lists, 3)).toEqual({ start: 105, covered: 2 });
    expect(bestAdjacentBlock(lists, 50)).toEqual({ start: 200, covered: 1 });
    expect(bestAdjacentBlock(lists, 500)).toBeUndefined();
  });

  it('keeps the preferred start when it is as good as the best', () => {
    const lists = [[{ begin: 100, end: 200 }], [{ begin: 100, end: 200 }]];
    expect(bestAdjacentBlock(lists, 3, 150)).toEqual({ start: 150, covered: 2 });
    expect(bestAdjacentBlock(lists, 3, 199)).toEqual({ start: 100, covered: 2 });
  });
});

describe('suggestPorts', () => {
  it('picks adjacent ports inside the default range on every agent, workers then master, no overlap', () => {
    const s = suggest([big([[31000, 32000]]), big([[31000, 32000]]), big([[31000, 32000]])]);
    expect(s.ok).toBe(true);
    expect(s.worker.ports.map((p) => p.port)).toEqual([31000, 31001, 31002]);
    expect(s.master.ports.map((p) => p.port)).toEqual([31003, 31004]);
    expect(s.worker).toMatchObject({ agentsCovered: 3, agentsEligible: 3, adjacent: true, ok: true });
    expect(s.properties).toEqual([
      'alluxio.master.port=31003',
      'alluxio.master.web.port=31004',
      'alluxio.worker.port=31000',
      'alluxio.worker.data.port=31001',
      'alluxio.worker.web.port=31002',
    ]);
  });

  it('avoids ports in use and maximises coverage', () => {
    const s = suggest([
      big([[31000, 32000]], { allocated: [ports([[31000, 31010]])] }),
      big([[31000, 32000]], { allocated: [ports([[31005, 31005]])] }),
      big([[31000, 31003]]),
    ]);
    // 31000-31003 is free on agents 2 and 3 only; 31011+ on agents 1 and 2 only; both cover 2.
    expect(s.worker.agentsCovered).toBe(2);
    expect(s.worker.ports.map((p) => p.port)).toEqual([31000, 31001, 31002]);
    expect(s.master.ports.map((p) => p.port)).toEqual([31011, 31012]);
  });

  it('uses the 2.x spelling with two worker ports', () => {
    const s = suggest([big([[40000, 40100]])], req2);
    expect(s.worker.ports.map((p) => [p.key, p.port])).toEqual([
      ['alluxio.worker.rpc.port', 40000],
      ['alluxio.worker.web.port', 40001],
    ]);
    expect(s.master.ports.map((p) => p.key)).toEqual(['alluxio.master.rpc.port', 'alluxio.master.web.port']);
  });

  it('falls back to scattered ports only when that covers more agents', () => {
    // Agent A: 5000, 5002, 5004 free (no two adjacent). Agent B: 5000-5010.
    const a = big([
      [5000, 5000],
      [5002, 5002],
      [5004, 5004],
    ]);
    const b = big([[5000, 5010]]);
    const s = suggest([a, b], { ...req1, masterCount: 1 });
    expect(s.worker.adjacent).toBe(false);
    expect(s.worker.ports.map((p) => p.port)).toEqual([5000, 5002, 5004]);
    expect(s.worker.agentsCovered).toBe(2);
  });

  it('keeps the configured ports when they are already as good as anything', () => {
    const s = suggest([
      big([
        [19998, 19999],
        [29998, 30000],
        [31000, 32000],
      ]),
    ]);
    expect(s.worker.ports.map((p) => p.port)).toEqual([29998, 29999, 30000]);
    expect(s.master.ports.map((p) => p.port)).toEqual([19998, 19999]);
  });

  it('needs masterCount agents for the masters', () => {
    const s = suggest([big([[31000, 31010]]), big([[32000, 32010]])], { ...req1, masterCount: 2 }, 2);
    expect(s.master.ok).toBe(false);
    expect(s.master.agentsCovered).toBe(1);
    expect(s.master.message).toBe('the best choice is free on only 1 agent; 2 needed for 2 masters');
    expect(s.ok).toBe(false);
  });

  it('explains when nothing is possible: no free ports, or no agent big enough', () => {
    const none = suggest([agent({ total: [cpus(8), mem(16384)] })]);
    expect(none.worker.ports).toEqual([]);
    expect(none.worker.message).toBe("no agent offers 3 free ports (worker rpc, worker data, worker web) to role '*' at or above 1024");
    expect(none.properties).toEqual([]);
    const small = suggest([agent({ total: [cpus(0.5), mem(512), ports([[31000, 32000]])] })]);
    expect(small.master.message).toBe('no agent has enough cpus/mem for the master, so no choice of ports helps');
    expect(small.worker.message).toBe('no agent has enough cpus/mem for a worker, so no choice of ports helps');
  });

  it('never suggests privileged ports, nor ports reserved for another role', () => {
    const s = suggest([agent({ total: [cpus(8), mem(16384), ports([[100, 1024]]), ports([[2000, 3000]], { role: 'spark' })] })]);
    expect(s.worker.ports).toEqual([]);
    expect(s.master.ports).toEqual([]);
  });

  it('ignores inactive and too-old agents', () => {
    const s = suggest([
      agent({ active: false, total: [cpus(8), mem(16384), ports([[5000, 5100]])] }),
      agent({ version: '0.20.0', total: [cpus(8), mem(16384), ports([[5000, 5100]])] }),
      big([[6000, 6100]]),
    ]);
    expect(s.worker.ports[0]!.port).toBe(6000);
    expect(s.worker.agentsEligible).toBe(1);
  });
});

describe('properties helpers', () => {
  it('writes key=value lines, master first', () => {
    expect(
      suggestedPortProperties({
        master: {
          ports: [{ name: 'masterRpc', key: 'alluxio.master.port', port: 1 }],
          agentsCovered: 1,
          agentsEligible: 1,
          agentsNeeded: 1,
          adjacent: true,
          ok: true,
        },
        worker: {
          ports: [{ name: 'workerRpc', key: 'alluxio.worker.port', port: 2 }],
          agentsCovered: 1,
          agentsEligible: 1,
          agentsNeeded: 1,
          adjacent: true,
          ok: true,
        },
      }),
    ).toEqual(['alluxio.master.port=1', 'alluxio.worker.port=2']);
  });

  it('re-keys the lines for the spelling the site file uses', () => {
    const s = suggest([big([[40000, 40100]])], req1);
    expect(suggestedPortProperties(s, '2.x')).toEqual([
      'alluxio.master.rpc.port=40003',
      'alluxio.master.web.port=40004',
      'alluxio.worker.rpc.port=40000',
      'alluxio.worker.data.port=40001',
      'alluxio.worker.web.port=40002',
    ]);
  });
});
