/**
 * `check-ports` as a pure function: master version and agents in, the report document out.
 * No I/O; the command fetches the inputs and prints the result.
 */
import { evaluateAgent, type AgentAnalysis, type CheckPortsAgent } from './evaluate-agent.js';
import { releaseOwnTasks, type OwnTask } from './own-tasks.js';
import { CHECK_PORTS_FLOOR, DEPLOY_FLOOR, isOlderThan, tryParseVersion } from './mesos-version.js';
import { placeAlluxio } from './placement.js';
import { listNames } from './format.js';
import { masterFootprint, workerFootprint, type CheckPortsRequirements } from './requirements.js';
import { resourcesFlagFixes } from './resources-flag.js';
import { suggestPorts } from './suggest-ports.js';
import type { CheckPortsReport, CheckPortsSummary } from './report-types.js';

export interface CheckPortsInput {
  readonly master: { readonly address: string; readonly version?: string };
  readonly agents: readonly CheckPortsAgent[];
  readonly requirements: CheckPortsRequirements;
  /** Every active agent must fit a worker. */
  readonly strict?: boolean;
  /** Compute Fix 2 (`--suggest-ports`). */
  readonly suggestPorts?: boolean;
  /** This deployment's own tasks: their resources count as free for it (see own-tasks.ts). */
  readonly ownTasks?: readonly OwnTask[];
}

function summaryLine(active: number, canRunWorker: number, canRunMaster: number): string {
  return `${canRunWorker} of ${active} agent${active === 1 ? '' : 's'} can run a worker; ${canRunMaster} can run the master`;
}

function masterCheck(version: string | undefined): { ok: boolean; reasons: string[]; warnings: string[] } {
  if (tryParseVersion(version) === undefined) {
    return {
      ok: true,
      reasons: [],
      warnings: [
        `could not tell the Mesos master's version${version === undefined ? '' : ` from "${version}"`}; the version floor was not checked`,
      ],
    };
  }
  if (isOlderThan(version, CHECK_PORTS_FLOOR)) {
    return {
      ok: false,
      reasons: [`the Mesos master runs ${version}; Alluxio on Mesos needs ${CHECK_PORTS_FLOOR} or later`],
      warnings: [],
    };
  }
  if (isOlderThan(version, DEPLOY_FLOOR)) {
    return {
      ok: true,
      reasons: [],
      warnings: [`the Mesos master runs ${version}; \`deploy\` needs the v1 scheduler API, stable from Mesos ${DEPLOY_FLOOR}`],
    };
  }
  return { ok: true, reasons: [], warnings: [] };
}

const HOSTNAME_ORDER = new Intl.Collator('en', { numeric: true });

/**
 * Agents by hostname, numbers inside names compared as numbers (127.0.0.10 after 127.0.0.9).
 * Mesos lists agents in registration order, which differs from run to run and from one cluster to
 * the next; a report (and the placement computed from it) must not.
 */
function byHostname(a: { readonly hostname: string }, b: { readonly hostname: string }): number {
  return HOSTNAME_ORDER.compare(a.hostname, b.hostname);
}

export function analyzeCheckPorts(input: CheckPortsInput): CheckPortsReport {
  const req = input.requirements;
  const strict = input.strict === true;
  const { agents, held } = releaseOwnTasks(input.agents, input.ownTasks ?? []);
  const analyses: AgentAnalysis[] = [...agents].sort(byHostname).map((agent) => evaluateAgent(agent, req));
  const active = analyses.filter((analysis) => analysis.agent.active);
  const activeVerdicts = active.map((analysis) => analysis.verdict);

  const outdated = active.filter((analysis) => isOlderThan(analysis.agent.version, CHECK_PORTS_FLOOR));
  const warnings: string[] = [];
  if (outdated.length > 0) {
    warnings.push(
      `${outdated.length === 1 ? '1 agent runs' : `${outdated.length} agents run`} Mesos older than ${CHECK_PORTS_FLOOR} ` +
        `and cannot be used: ${listNames(outdated.map((analysis) => `${analysis.agent.hostname} (${analysis.agent.version})`))}`,
    );
  }

  const master = masterCheck(input.master.version);
  const { placement, reasons: placementReasons } = placeAlluxio(activeVerdicts, req.masterCount);
  const canRunMaster = activeVerdicts.filter((verdict) => verdict.master.ok).length;
  const canRunWorker = activeVerdicts.filter((verdict) => verdict.worker.ok).length;

  const reasons = [...master.reasons, ...placementReasons];
  const unknownMasterHosts = (req.masterHosts ?? []).filter(
    (host) => !active.some((analysis) => analysis.agent.hostname.toLowerCase() === host.toLowerCase()),
  );
  if (unknownMasterHosts.length > 0) {
    reasons.push(
      `alluxio.master.embedded.journal.addresses names ${listNames(unknownMasterHosts)}, which ` +
        `${unknownMasterHosts.length === 1 ? 'is not the hostname of an active agent' : 'are not hostnames of active agents'}: ` +
        'the masters run on the hosts the embedded journal lists',
    );
  }
  if (strict) {
    const misfits = activeVerdicts.filter((verdict) => !verdict.worker.ok).map((verdict) => verdict.hostname);
    if (misfits.length > 0) {
      reasons.push(
        `--strict: ${misfits.length === 1 ? '1 active agent cannot' : `${misfits.length} active agents cannot`} ` +
          `run a worker: ${listNames(misfits)}`,
      );
    }
  }

  const summary: CheckPortsSummary = {
    agents: analyses.length,
    active: active.length,
    inactive: analyses.length - active.length,
    canRunMaster,
    canRunWorker,
    belowVersionFloor: outdated.length,
    placeableWorkers: placement.workers.length,
    line: summaryLine(active.length, canRunWorker, canRunMaster),
  };

  const flags = resourcesFlagFixes(analyses, req);
  const masterSize = masterFootprint(req);
  const workerSize = workerFootprint(req);
  return {
    schemaVersion: 1,
    master: {
      address: input.master.address,
      version: input.master.version ?? null,
      ok: master.ok,
      reasons: master.reasons,
      warnings: master.warnings,
    },
    requirements: {
      role: req.role,
      masterCount: req.masterCount,
      master: { ports: req.master.ports.map((port) => port.port), cpus: round3(masterSize.cpus), memMb: masterSize.memMb },
      worker: { ports: req.worker.ports.map((port) => port.port), cpus: round3(workerSize.cpus), memMb: workerSize.memMb },
    },
    agents: analyses.map((analysis) => analysis.verdict),
    warnings,
    summary,
    verdict: { ok: reasons.length === 0, strict, reasons, placement },
    fixes: {
      resourcesFlags: flags.fixes,
      warnings: flags.warnings,
      ...(input.suggestPorts === true ? { suggestedPorts: suggestPorts(analyses, req, { masterCount: req.masterCount }) } : {}),
    },
    heldByDeployment: held,
  };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
