/**
 * `deploy --dry-run`: what deploy would register and launch, without Mesos. Text for people (the
 * task commands as the shell scripts they are), one JSON document with `--json`.
 */
import type { DeployOptions, DeployPlan } from '../../framework/deploy/plan.js';
import { formatDuration } from '../../shared/duration.js';
import { printable } from '../../shared/printable.js';
import type { RolloutPlan } from '../../framework/scheduler/rollout-plan.js';
import { renderPlan } from '../common/rollout-text.js';

/**
 * The master's agent is chosen from Mesos' offers, so a dry run cannot know it. The commands need
 * some hostname: this one is reserved (RFC 6761) and cannot be mistaken for a real host.
 */
const UNCHOSEN_MASTER_HOST = 'master-agent.invalid';

type DryRunDocument = ReturnType<typeof dryRunDocument>;

export function dryRunDocument(plan: DeployPlan, options: DeployOptions, ledgerFile: string) {
  const masterHost = options.alluxioMaster ?? UNCHOSEN_MASTER_HOST;
  const { master, worker } = plan.scheduler;
  return {
    frameworkInfo: plan.frameworkInfo(undefined),
    distribution: plan.distribution,
    master: {
      count: master.count,
      cpus: master.cpus,
      memMb: master.memMb,
      ports: master.ports,
      pinnedHost: master.pinnedHost ?? null,
      /** Several masters elect their leader (ZooKeeper or the embedded journal); workers find it. */
      electsLeader: master.electsLeader,
      /** The embedded journal's hosts, the only agents masters run on; null: any agent. */
      journalHosts: master.journalHosts ?? null,
      command: plan.scheduler.command('master', masterHost),
    },
    worker: {
      max: worker.max ?? null,
      cpus: worker.cpus,
      memMb: worker.memMb,
      ports: worker.ports,
      command: plan.scheduler.command('worker', masterHost),
    },
    /** The hostname standing in for the master's agent in the commands, when no host is pinned. */
    masterHostPlaceholder: options.alluxioMaster === undefined ? UNCHOSEN_MASTER_HOST : null,
    healthCheck: plan.scheduler.healthCheck ?? null,
    ledger: ledgerFile,
  };
}

export function renderDryRun(document: DryRunDocument & { rollout?: RolloutPlan }): string {
  const info = document.frameworkInfo;
  const seconds = (value: number): string => formatDuration(Math.round(value * 1000));
  const health = document.healthCheck;
  const rows: Array<[string, string]> = [
    [
      'Framework',
      `${info.name} (user ${info.user}, role ${(info.roles ?? []).join(',') || '*'}, principal ${info.principal ?? '-'}, ` +
        `failover timeout ${seconds(info.failover_timeout ?? 0)}${info.checkpoint === true ? ', checkpointing' : ''})`,
    ],
    [
      'Distribution',
      document.distribution.kind === 'local'
        ? `LOCAL: Alluxio installed at ${document.distribution.home} on every agent`
        : `fetched by each agent from ${document.distribution.url}`,
    ],
    [
      'Masters',
      `${document.master.count} x (${document.master.cpus} cpus, ${document.master.memMb} MB, ports ${document.master.ports.join(',')}) ` +
        (document.master.pinnedHost !== null
          ? `on ${document.master.pinnedHost}`
          : document.master.journalHosts !== null
            ? `on ${document.master.journalHosts.join(', ')} (the embedded journal's hosts)`
            : 'on any agent') +
        (document.master.electsLeader ? '; they elect a leader, and workers find it' : ''),
    ],
    [
      'Workers',
      `${document.worker.max === null ? 'one per agent' : `one per agent, at most ${document.worker.max}`} x ` +
        `(${document.worker.cpus} cpus, ${document.worker.memMb} MB, ports ${document.worker.ports.join(',')})`,
    ],
    [
      'Health checks',
      health === null
        ? 'off'
        : `first after ${seconds(health.delaySeconds)}, every ${seconds(health.intervalSeconds)}, ` +
          `timeout ${seconds(health.timeoutSeconds)}, unhealthy after ${health.consecutiveFailures} failures ` +
          `(not counted during the first ${seconds(health.gracePeriodSeconds)})` +
          (document.master.electsLeader ? '; workers only (a standby master listens on no port)' : ''),
    ],
    ['State', document.ledger],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const lines = ['Dry run: nothing is sent to Mesos and nothing is launched.', ''];
  for (const [label, value] of rows) lines.push(`${label.padEnd(width)}${printable(value)}`);
  const placeholder =
    document.masterHostPlaceholder === null ? '' : ` (${document.masterHostPlaceholder} stands for the agent the master lands on)`;
  for (const [role, command] of [
    ['master', document.master.command],
    ['worker', document.worker.command],
  ] as const) {
    lines.push('', `The ${role} task runs, with sh -c in its sandbox${placeholder}:`);
    for (const uri of command.uris ?? []) lines.push(`  # fetched first: ${printable(uri.value)}`);
    for (const line of (command.value ?? '').split('\n')) lines.push(`    ${printable(line)}`);
  }
  if (document.rollout !== undefined) {
    lines.push('', 'Changes to the running deployment:');
    for (const line of renderPlan(document.rollout)) lines.push(`  ${printable(line)}`);
  }
  return `${lines.join('\n')}\n`;
}
