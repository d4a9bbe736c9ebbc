/** The `status` table, as text (pure). */
import { Chalk } from 'chalk';
import type { StatusReport } from './collect.js';
import { formatTable } from '../ui/table.js';
import { printable } from '../shared/printable.js';
import { formatAge } from '../shared/duration.js';

export function renderStatus(report: StatusReport, options: { color: boolean; now?: Date }): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const { framework } = report;
  const stateText =
    framework.state === 'disconnected'
      ? chalk.yellow(
          framework.failoverSecondsLeft === null
            ? `disconnected (Mesos keeps its tasks for the failover timeout, ${formatDuration(framework.failoverTimeoutSeconds)}; ` +
                'run deploy to reattach)'
            : `disconnected: Mesos kills its tasks in ${formatDuration(framework.failoverSecondsLeft)} unless deploy reattaches`,
        )
      : framework.state === 'active'
        ? chalk.green('active')
        : chalk.red(framework.state);
  const lines: string[] = [];
  // Said first: with no scheduler, nothing relaunches a failed task, whatever the table shows.
  const noScheduler = report.problems.find((problem) => problem.startsWith('no scheduler connected'));
  if (noScheduler !== undefined) lines.push(chalk.red(noScheduler.replace(/^no/, 'No')), '');
  lines.push(`Framework ${printable(framework.name ?? '(unknown)')} ${printable(framework.id)}: ${stateText}`);
  lines.push(schedulerLine(report));
  if (report.webuiUrl !== null) lines.push(`Alluxio master web UI: ${printable(report.webuiUrl)}`);
  const leaderLine = mastersLine(report.masters);
  if (leaderLine !== undefined) lines.push(leaderLine);
  lines.push('');
  // AGE as kubectl prints it, from the time the task started running: no time zone to get wrong
  // (JSON carries the ISO time, startedAt).
  const now = (options.now ?? new Date()).getTime();
  // Fingerprints once the ledger records a desired state: which tasks run an older specification.
  const specs = report.desired !== null && report.desired !== undefined;
  const header = ['ALIAS', 'STATE', 'HEALTH', 'HOST', 'PORTS', 'AGE', 'RELAUNCHES', ...(specs ? ['FINGERPRINT', 'SPEC'] : [])];
  const rows = report.tasks.map((task) => [
    task.alias,
    task.state.replace(/^TASK_/, ''),
    HEALTH_TEXT[task.health],
    task.host ?? '-',
    task.ports.join(',') || '-',
    task.startedAt === null ? '-' : formatAge(now - Date.parse(task.startedAt)),
    String(task.relaunches),
    ...(specs ? [task.fingerprint ?? '-', task.outdated === true ? 'outdated' : task.outdated === false ? 'current' : '-'] : []),
  ]);
  const [headerLine, ...rowLines] = formatTable([header, ...rows]);
  lines.push(chalk.bold(headerLine!));
  rows.forEach((row, index) => {
    const text = rowLines[index]!;
    lines.push(row[1] === 'RUNNING' && row[2] !== 'unhealthy' && row[2] !== 'unknown' ? text : chalk.red(text));
  });
  if (rows.length === 0) lines.push('(no tasks)');
  // Why a task shows as it does when Mesos does not say RUNNING plainly (unknown to Mesos, agent gone).
  const notes = report.tasks.filter((task) => task.note !== null);
  if (notes.length > 0) {
    lines.push('');
    for (const task of notes) lines.push(chalk.yellow(printable(`${task.alias}: ${task.note}`)));
  }
  lines.push(...desiredLines(report, chalk));
  lines.push('');
  lines.push(report.ok ? chalk.green('OK: every Alluxio task is running') : chalk.red(printable(`NOT OK: ${report.problems.join('; ')}`)));
  return `${lines.join('\n')}\n`;
}

/** Which master leads, when the masters elect one. */
function mastersLine(masters: StatusReport['masters']): string | undefined {
  if (masters.highAvailability === 'none') return undefined;
  const kind = masters.highAvailability === 'zookeeper' ? 'ZooKeeper' : 'the embedded journal';
  if (masters.leader === null) return printable(`Leading master: unknown (${kind}): ${masters.note ?? ''}`);
  const who = masters.leader.alias === null ? masters.leader.address : `${masters.leader.alias} (${masters.leader.address})`;
  const note = masters.note === null ? '' : `; ${masters.note}`;
  return printable(`Leading master: ${who}, elected through ${kind}, read from ${masters.leaderSource ?? '-'}${note}`);
}

/** Who schedules: connected or not (Mesos), and who holds the lease and waits for it (the state). */
function schedulerLine(report: StatusReport): string {
  const { scheduler } = report;
  const who = (s: { pid: number; host: string; since: string }): string => `pid ${s.pid} on ${printable(s.host)} since ${s.since}`;
  const active =
    scheduler.active === null
      ? scheduler.connected
        ? ' (this configuration records no scheduler: it runs from another one)'
        : ''
      : `, ${who(scheduler.active)}${scheduler.connected ? '' : ' holds the lease'}`;
  const standbys = scheduler.standbys.length === 0 ? '' : `; standby: ${scheduler.standbys.map(who).join(', ')}`;
  return `Scheduler: ${scheduler.connected ? 'connected' : 'not connected'}${active}${standbys}`;
}

/** Short words for the HEALTH column (one word each: scripts split rows on spaces). */
const HEALTH_TEXT: Record<StatusReport['tasks'][number]['health'], string> = {
  healthy: 'healthy',
  unhealthy: 'unhealthy',
  unknown: 'unknown',
  unchecked: 'unchecked',
  none: '-',
};

function formatDuration(seconds: number | null): string {
  if (seconds === null) return 'unknown';
  if (seconds >= 86_400) return `${(seconds / 86_400).toFixed(seconds % 86_400 === 0 ? 0 : 1)} d`;
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${seconds} s`;
}

/** Desired against running counts, drift and the latest rollout, when the ledger records them. */
function desiredLines(report: StatusReport, chalk: InstanceType<typeof Chalk>): string[] {
  const { desired, rollout } = report;
  if (desired === null || desired === undefined) return [];
  const workers = desired.workers.desired === null ? 'one per agent' : String(desired.workers.desired);
  const lines = [
    '',
    `Desired (revision ${desired.revision}, from ${printable(desired.source)}): masters ${desired.masters.running}/${desired.masters.desired} running, ` +
      `workers ${desired.workers.running}/${workers} running`,
  ];
  if (rollout !== null && rollout !== undefined) {
    const replaced = rollout.replaced.length === 0 ? 'none replaced' : `replaced ${rollout.replaced.join(', ')}`;
    if (rollout.phase === 'halted') {
      lines.push(
        chalk.red(
          printable(
            `Rollout ${rollout.revision} HALTED at ${rollout.halt?.alias ?? '?'}: ${rollout.halt?.reason ?? ''} (${replaced}); ` +
              'fix and re-apply (deploy), or `alluxio-mesos rollout undo`',
          ),
        ),
      );
    } else if (rollout.phase === 'rolling') {
      const replacing = rollout.replacing.length === 0 ? '' : `; replacing ${rollout.replacing.join(', ')}`;
      lines.push(chalk.yellow(`Rollout ${rollout.revision} in progress: ${replaced}${replacing}`));
    }
  }
  if (desired.outdated.length > 0 && rollout?.phase !== 'rolling') {
    lines.push(chalk.yellow(`Outdated (an older specification than desired): ${desired.outdated.join(', ')}`));
  }
  return lines;
}
