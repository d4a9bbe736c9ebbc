/**
 * What `deploy` shows while it runs: one line per change (task launched, state changes, decline
 * reasons once each, relaunches), a spinner with the current totals on a terminal, or one NDJSON
 * record per change with `--json`.
 */
import type { ControllerReport } from '../../framework/scheduler/controller.js';
import type { Io } from '../../ui/io.js';
import type { Progress } from '../../ui/spinner.js';
import type { SchedulerIdentity } from '../../state/deployment-state.js';
import { describeScheduler } from '../../state/scheduler-errors.js';
import { printable } from '../../shared/printable.js';
import { maskUriCredentials } from '../../shared/uri-credentials.js';
import { describeRolloutReport } from '../common/rollout-text.js';

export function describeReport(report: ControllerReport): string | undefined {
  switch (report.type) {
    case 'connecting':
      return report.attempt === 1 ? 'subscribing to the Mesos master' : `subscribing again (attempt ${report.attempt})`;
    case 'disconnected':
      return `disconnected (${report.reason}); retrying in ${(report.retryInMs / 1000).toFixed(1)} s`;
    case 'call-failed':
      return `${report.call} failed: ${report.message}`;
    case 'abandoned':
      return `left behind by --new-framework (kill them in Mesos if they still run): ${report.aliases.join(', ')}`;
    case 'subscribed':
      return `subscribed as framework ${report.frameworkId}${report.adopted.length > 0 ? `; adopting ${report.adopted.join(', ')}` : ''}`;
    case 'task-launched':
      return (
        `${report.alias} ${report.relaunch ? 'relaunched' : 'launched'} on ${report.hostname} ` +
        `(ports ${report.ports.join(', ')}) as ${report.taskId}`
      );
    case 'task-state': {
      const health = report.healthy === undefined ? '' : report.healthy ? ', healthy' : ', unhealthy';
      return `${report.alias} ${report.state.replace(/^TASK_/, '')}${health}${report.message === undefined ? '' : `: ${report.message}`}`;
    }
    case 'decline-reason':
      return `declining offers: ${report.text}`;
    case 'master-ready':
      return `${report.alias} is ready: Alluxio web UI at ${report.webuiUrl}`;
    case 'master-lost':
      return `${report.alias} is no longer running`;
    case 'all-placed':
      return `all placed: ${report.masters} master(s), ${report.workers} worker(s); offers suppressed`;
    case 'relaunch-scheduled':
      return (
        `${report.alias} ended ${report.lastState.replace(/^TASK_/, '')}; ` +
        `relaunch in ${(report.inMs / 1000).toFixed(0)} s (failure ${report.failures})`
      );
    case 'crash-loop':
      return (
        `${report.alias} failed ${report.failures} times in ${Math.round(report.windowMs / 60_000)} min: ` +
        `not relaunching it (last: ${report.lastFailure.message ?? report.lastFailure.state})`
      );
    case 'launch-timeout':
      return `${report.alias} did not reach RUNNING in time: ${report.action === 'reconcile' ? 'reconciling' : 'killing and relaunching'}`;
    case 'orphan-killed':
      return `killed task ${report.taskId}, unknown to the ledger (${report.state}): ${report.reason}`;
    case 'task-adopted':
      return (
        `${report.alias} adopted: ${report.taskId} on ${report.hostname === '' ? `agent ${report.agentId}` : report.hostname}, ` +
        `unknown to the ledger, is ${report.state.replace(/^TASK_/, '')}`
      );
    case 'launch-hold-ended':
      return report.outcome === 'reconciled'
        ? `Mesos listed every task of the framework (after ${(report.afterMs / 1000).toFixed(1)} s): launching again`
        : `Mesos has not listed every task of the framework after ${(report.afterMs / 1000).toFixed(1)} s ` +
            '(agents re-registering?): launching again, still asking';
    case 'agent-lost':
      return `agent ${report.agentId} lost${report.aliases.length > 0 ? `; affected: ${report.aliases.join(', ')}` : ''}`;
    case 'executor-lost':
      return `executor ${report.executorId} on ${report.agentId} exited${report.status === undefined ? '' : ` with ${report.status}`}`;
    case 'reconciled':
      return `reconciled ${report.tasks} task(s) with Mesos`;
    case 'mesos-error':
      return `Mesos sent an error: ${report.message}`;
    case 'desired-unreadable':
      return `could not read the desired state handed over: ${report.message}; reading it again`;
    case 'desired-applied':
    case 'worker-retired':
    case 'rollout-batch':
    case 'rollout-replaced':
    case 'rollout-master-warning':
    case 'rollout-halted':
    case 'rollout-done':
      return describeRolloutReport(report);
  }
}

export interface DeployView {
  report(report: ControllerReport): void;
  line(text: string): void;
  /** `deploy --standby` waits: another scheduler (if known) is active. */
  standby(leader: SchedulerIdentity | undefined): void;
  /** This process holds the lease now (pid and host, as other commands will name it). */
  active(self: { pid: number; host: string }): void;
  close(): void;
}

export function describeStandby(leader: SchedulerIdentity | undefined): string {
  return `standing by: the active scheduler is ${leader === undefined ? 'not known yet' : describeScheduler(leader)}`;
}

export function createDeployView(io: Io, options: { json: boolean; progress: Progress; now?: () => Date }): DeployView {
  const now = options.now ?? (() => new Date());
  const placed = new Map<string, string>();
  const totals = (): string => {
    const states = [...placed.entries()];
    const running = (prefix: string): string => {
      const all = states.filter(([alias]) => alias.startsWith(prefix));
      return `${all.filter(([, state]) => state === 'TASK_RUNNING').length}/${all.length}`;
    };
    return `masters running ${running('master-')}, workers running ${running('worker-')}`;
  };
  let stoodBy = false;
  // Reports quote Mesos' and ZooKeeper's messages, which may quote an address: no URI credential
  // reaches the terminal, --json or framework.out.
  const record = (fields: Record<string, unknown>): void => {
    io.stdout.write(`${maskUriCredentials(JSON.stringify({ time: now().toISOString(), ...fields }))}\n`);
  };
  const shown = (text: string, keepNewlines = false): string => printable(maskUriCredentials(text), { keepNewlines });
  return {
    standby(leader) {
      stoodBy = true;
      if (options.json) return record({ type: 'standby', leader: leader ?? null });
      options.progress.stop();
      io.stderr.write(`${now().toISOString().slice(11, 19)} ${shown(describeStandby(leader))}\n`);
      options.progress.text('standing by');
    },
    active(self) {
      if (options.json) return record({ type: 'scheduler-active', pid: self.pid, host: self.host, tookOver: stoodBy });
      if (!stoodBy) return;
      options.progress.stop();
      io.stderr.write(
        `${now().toISOString().slice(11, 19)} the active scheduler is gone: taking over as pid ${self.pid} on ${printable(self.host)}\n`,
      );
      options.progress.text('connecting to Mesos');
    },
    report(report) {
      if (report.type === 'task-launched') placed.set(report.alias, 'TASK_STAGING');
      if (report.type === 'task-state' || report.type === 'task-adopted') placed.set(report.alias, report.state);
      if (options.json) return record({ ...report });
      const text = describeReport(report);
      if (text === undefined) return;
      options.progress.stop();
      // Reports carry hostnames and Mesos' messages: escaped before they reach the terminal.
      io.stderr.write(`${now().toISOString().slice(11, 19)} ${shown(text)}\n`);
      options.progress.text(totals());
    },
    line(text) {
      if (options.json) return;
      options.progress.stop();
      io.stderr.write(`${shown(text, true)}\n`);
    },
    close() {
      options.progress.stop();
    },
  };
}
