import { describe, expect, it } from 'vitest';
import { analyzeCheckPorts } from '../../../src/checkports/analyze.js';
import { renderCheckPortsText, renderTable } from '../../../src/checkports/render-text.js';
import { defaultCheckPortsRequirements } from '../../../src/checkports/requirements.js';
import { ALLUXIO_AND_DEFAULT, agent, cpus, mem, ports } from './builders.js';

const ESC = '\u001b[';

function sampleReport(suggest = false) {
  const agents = [
    ...Array.from({ length: 12 }, (_, i) =>
      agent({ hostname: `good-${String(i + 1).padStart(2, '0')}.example.com`, total: [cpus(4), mem(8192), ports(ALLUXIO_AND_DEFAULT)] }),
    ),
    agent({ hostname: 'no-ports.example.com', total: [cpus(4), mem(8192), ports([[31000, 32000]])] }),
    agent({ hostname: 'small.example.com', total: [cpus(1), mem(512), ports(ALLUXIO_AND_DEFAULT)] }),
    agent({ hostname: 'gone.example.com', active: false }),
  ];
  return analyzeCheckPorts({
    master: { address: 'mesos.example.com:5050', version: '1.12.0' },
    agents,
    requirements: defaultCheckPortsRequirements('1.x'),
    suggestPorts: suggest,
  });
}

describe('renderCheckPortsText', () => {
  it('prints the summary line exactly, and the verdict', () => {
    const text = renderCheckPortsText(sampleReport(), { color: false });
    expect(text.split('\n')).toContain('12 of 14 agents can run a worker; 12 can run the master');
    expect(text).toMatch(/^OK: Alluxio can be placed$/m);
  });

  it('prints a table with aligned columns, one row per agent', () => {
    const lines = renderCheckPortsText(sampleReport(), { color: false }).split('\n');
    const headerIndex = lines.findIndex((line) => line.startsWith('HOSTNAME'));
    expect(headerIndex).toBeGreaterThan(-1);
    const header = lines[headerIndex]!;
    for (const title of ['VERSION', 'MASTER', 'WORKER', 'FREE CPUS', 'FREE MEM', 'PORTS']) {
      expect(header).toContain(title);
    }
    const rows = lines.slice(headerIndex + 1, headerIndex + 16);
    const versionColumn = header.indexOf('VERSION');
    const masterColumn = header.indexOf('MASTER');
    for (const row of rows) {
      expect(row.slice(versionColumn).startsWith('1.12.0'), row).toBe(true);
      expect(row[versionColumn - 1], row).toBe(' ');
      expect(/^(yes|no|-) /.test(row.slice(masterColumn)), row).toBe(true);
    }
    const noPorts = rows.find((row) => row.startsWith('no-ports.example.com'))!;
    expect(noPorts.slice(masterColumn, masterColumn + 3)).toBe('no ');
    expect(noPorts.endsWith('[31000-32000]')).toBe(true);
    expect(rows.some((row) => row.startsWith('gone.example.com (inactive)'))).toBe(true);
  });

  it('explains failures per agent and prints Fix 1 with both forms', () => {
    const text = renderCheckPortsText(sampleReport(), { color: false });
    expect(text).toContain('  no-ports.example.com\n    master: port 19998 (master rpc) is not advertised by the agent');
    expect(text).toMatch(/worker: not enough cpus and mem: needs 1\.1 cpus \/ 2080 MB/);
    expect(text).toContain("mesos-agent --resources='cpus:4;mem:8192;ports:[19998-19999,29998-30000,31000-32000]'");
    expect(text).toContain("MESOS_RESOURCES='cpus:4;mem:8192;ports:[19998-19999,29998-30000,31000-32000]'");
  });

  it('prints suggested ports as properties when present', () => {
    const text = renderCheckPortsText(sampleReport(true), { color: false });
    expect(text).toContain("Fix 2: move Alluxio's ports");
    expect(text).toMatch(/^ {4}alluxio\.worker\.port=\d+$/m);
  });

  it('uses colour only when asked', () => {
    expect(renderCheckPortsText(sampleReport(), { color: false })).not.toContain(ESC);
    const coloured = renderCheckPortsText(sampleReport(), { color: true });
    expect(coloured).toContain(ESC);
    expect(coloured).toContain('✓');
  });

  it('reports failure with the reasons', () => {
    const report = analyzeCheckPorts({
      master: { address: 'm:5050', version: '0.22.0' },
      agents: [],
      requirements: defaultCheckPortsRequirements('2.x'),
    });
    const text = renderCheckPortsText(report, { color: false });
    expect(text).toContain('error: the Mesos master runs 0.22.0; Alluxio on Mesos needs 0.23.0 or later');
    expect(text).toMatch(/^FAILED: the Mesos master runs 0\.22\.0.*; no agent can run the Alluxio master/m);
    expect(text).toContain('The master lists no agents.');
  });
});

describe('renderTable', () => {
  it('pads on the visible text, so painted cells stay aligned', () => {
    const paint = (text: string): string => `<${text}>`;
    const lines = renderTable(
      ['A', 'B'],
      [
        [{ text: 'x', paint }, { text: 'y' }],
        [{ text: 'long' }, { text: 'z' }],
      ],
      (t) => t,
    );
    expect(lines).toEqual(['A     B', '<x   >  y', 'long  z']);
  });
});

describe('renderCheckPortsText with a hostile agent', () => {
  it('never writes a control character the agent sent: its hostname shows as escapes', () => {
    const hostile = '127.0.0.2\u001b]0;TITLE\u0007\u001b[2J';
    const report = analyzeCheckPorts({
      master: { address: 'mesos.example.com:5050', version: '1.12.0' },
      agents: [
        agent({ hostname: hostile, total: [cpus(4), mem(8192), ports(ALLUXIO_AND_DEFAULT)] }),
        agent({ hostname: `${hostile}-small`, total: [cpus(1), mem(512), ports(ALLUXIO_AND_DEFAULT)] }),
      ],
      requirements: defaultCheckPortsRequirements('1.x'),
      suggestPorts: false,
    });
    const text = renderCheckPortsText(report, { color: false });
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u0007');
    expect(text).toContain('127.0.0.2\\x1b]0;TITLE\\x07\\x1b[2J');
  });
});
