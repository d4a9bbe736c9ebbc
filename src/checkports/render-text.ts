/**
 * The human form of a `check-ports` report: a per-agent table, the reasons, the summary line, the
 * verdict and the fixes. Pure: a string out, colour only when asked for.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { formatCpus, formatMb } from './format.js';
import type { AgentVerdict, CheckPortsReport, PortSuggestionGroup } from './report-types.js';
import { formatTable } from '../ui/table.js';
import { printable } from '../shared/printable.js';

export interface RenderOptions {
  readonly color: boolean;
}

interface Cell {
  readonly text: string;
  readonly paint?: (text: string) => string;
}

interface Style {
  readonly ok: (text: string) => string;
  readonly bad: (text: string) => string;
  readonly warn: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
  readonly yes: string;
  readonly no: string;
}

function style(color: boolean): Style {
  if (!color) {
    const same = (text: string): string => text;
    return { ok: same, bad: same, warn: same, dim: same, bold: same, yes: 'yes', no: 'no' };
  }
  const chalk: ChalkInstance = new Chalk({ level: 1 });
  return {
    ok: (text) => chalk.green(text),
    bad: (text) => chalk.red(text),
    warn: (text) => chalk.yellow(text),
    dim: (text) => chalk.dim(text),
    bold: (text) => chalk.bold(text),
    yes: '✓',
    no: '✗',
  };
}

/** Left-aligned columns two spaces apart; padding is computed on the unpainted text. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
  paintHeader: (text: string) => string,
): string[] {
  return formatTable([header.map((text) => ({ text, paint: paintHeader })), ...rows]);
}

function mark(ok: boolean, active: boolean, s: Style): Cell {
  if (!active) return { text: '-', paint: s.dim };
  return ok ? { text: s.yes, paint: s.ok } : { text: s.no, paint: s.bad };
}

function agentRow(agent: AgentVerdict, s: Style): Cell[] {
  return [
    { text: agent.active ? agent.hostname : `${agent.hostname} (inactive)`, ...(agent.active ? {} : { paint: s.dim }) },
    { text: agent.version ?? '?' },
    mark(agent.master.ok, agent.active, s),
    mark(agent.worker.ok, agent.active, s),
    { text: formatCpus(agent.free.cpus) },
    { text: `${formatMb(agent.free.memMb)} MB` },
    { text: agent.ports.usable === '[]' ? 'none' : agent.ports.usable },
  ];
}

function reasonLines(agent: AgentVerdict): string[] {
  const lines: string[] = [];
  const workerReasons = new Set(agent.worker.reasons);
  for (const reason of agent.master.reasons) {
    lines.push(workerReasons.has(reason) ? `both:   ${reason}` : `master: ${reason}`);
  }
  const masterReasons = new Set(agent.master.reasons);
  for (const reason of agent.worker.reasons) {
    if (!masterReasons.has(reason)) lines.push(`worker: ${reason}`);
  }
  for (const note of agent.notes) lines.push(`note:   ${printable(note)}`);
  return lines;
}

function suggestionLines(name: string, group: PortSuggestionGroup, s: Style): string[] {
  const head = `  ${name}: `;
  if (group.ports.length === 0) return [`${head}${s.bad(group.message ?? 'nothing to suggest')}`];
  const ports = group.ports.map((choice) => choice.port).join(', ');
  const agents = `agent${group.agentsEligible === 1 ? '' : 's'}`;
  const coverage = `free on ${group.agentsCovered} of ${group.agentsEligible} ${agents} that fit by size`;
  const lines = [`${head}${ports}${group.adjacent ? '' : ' (not adjacent)'}, ${coverage}`];
  if (group.message !== undefined) lines.push(`    ${s.warn(group.message)}`);
  return lines;
}

export function renderCheckPortsText(report: CheckPortsReport, options: RenderOptions): string {
  const s = style(options.color);
  const out: string[] = [];

  const version = report.master.version ?? 'version unknown';
  out.push(`Mesos master ${printable(report.master.address)} (${printable(version)})`);
  for (const reason of report.master.reasons) out.push(s.bad(`error: ${printable(reason)}`));
  for (const warning of report.master.warnings) out.push(s.warn(`warning: ${printable(warning)}`));
  const req = report.requirements;
  out.push(
    s.dim(
      `Checked for role '${req.role}': ` +
        `master ports ${req.master.ports.join(', ')} with ${formatCpus(req.master.cpus)} cpus / ${formatMb(req.master.memMb)} MB; ` +
        `worker ports ${req.worker.ports.join(', ')} with ${formatCpus(req.worker.cpus)} cpus / ${formatMb(req.worker.memMb)} MB ` +
        '(executor overhead included)',
    ),
  );
  out.push('');

  if (report.agents.length === 0) {
    out.push('The master lists no agents.');
  } else {
    out.push(
      ...renderTable(
        ['HOSTNAME', 'VERSION', 'MASTER', 'WORKER', 'FREE CPUS', 'FREE MEM', 'PORTS'],
        report.agents.map((agent) => agentRow(agent, s)),
        s.bold,
      ),
    );
  }

  if (report.heldByDeployment.length > 0) {
    out.push('', 'Held by this deployment (its own tasks: counted as free for it):');
    for (const held of report.heldByDeployment) {
      out.push(`  ${printable(held.hostname)}: ports ${held.ports.join(', ')} held by this deployment (${printable(held.alias)})`);
    }
  }

  const explained = report.agents.filter((agent) => agent.active && reasonLines(agent).length > 0);
  if (explained.length > 0) {
    out.push('', 'Why not:');
    for (const agent of explained) {
      out.push(`  ${printable(agent.hostname)}`);
      for (const line of reasonLines(agent)) out.push(`    ${line}`);
    }
  }

  out.push('');
  for (const warning of report.warnings) out.push(s.warn(`warning: ${printable(warning)}`));
  out.push(s.bold(report.summary.line));
  const placement = report.verdict.placement;
  if (placement.masters.length > 0) {
    out.push(
      `Placement: master${placement.masters.length === 1 ? '' : 's'} on ${printable(placement.masters.join(', '))}; ` +
        `room for ${placement.workers.length} worker${placement.workers.length === 1 ? '' : 's'}`,
    );
  }
  if (report.verdict.ok) {
    // Where it already runs, the question is whether the deployment (its own tasks counted as its own) fits.
    const fits = report.heldByDeployment.length > 0 ? 'the deployment fits: its tasks hold their own ports' : 'Alluxio can be placed';
    out.push(
      s.ok(`${s.yes === 'yes' ? 'OK' : s.yes}: ${fits}` + (report.verdict.strict ? ' (strict: every active agent fits a worker)' : '')),
    );
  } else {
    out.push(s.bad(`${s.no === 'no' ? 'FAILED' : s.no}: ${printable(report.verdict.reasons.join('; '))}`));
  }

  const fixes = report.fixes;
  if (fixes.resourcesFlags.length > 0) {
    out.push('', s.bold('Fix 1: make the ports available by restarting agents with these resources'));
    for (const fix of fixes.resourcesFlags) {
      out.push(`  ${fix.agents.length === 1 ? 'Agent' : `${fix.agents.length} agents`}: ${printable(fix.agents.join(', '))}`);
      out.push(`    ${fix.binary} ${fix.flag}`);
      out.push(`    or in the environment: ${fix.env}`);
      out.push(`    ${s.warn(fix.restartNote)}`);
    }
    for (const warning of fixes.warnings) out.push(`  ${s.warn(`warning: ${printable(warning)}`)}`);
  }
  const suggestion = fixes.suggestedPorts;
  if (suggestion !== undefined) {
    out.push('', s.bold(`Fix 2: move Alluxio's ports into ranges the agents already offer (${suggestion.spelling} keys)`));
    out.push(...suggestionLines('master', suggestion.master, s), ...suggestionLines('worker', suggestion.worker, s));
    if (suggestion.properties.length > 0) {
      out.push('  alluxio-site.properties:');
      for (const line of suggestion.properties) out.push(`    ${line}`);
    }
  }
  return `${out.join('\n')}\n`;
}
