/**
 * `alluxio-mesos check-ports`: reads the configuration, asks the master for its version and agents,
 * and prints the analysis with the fixes. `--write` applies suggested ports to the site file.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CommandContext } from '../../context/context.js';
import { openMaster, type ConnectionFlags } from '../../context/connection.js';
import { loadSite, type LoadedSite } from '../../context/site.js';
import { unifiedDiff } from '../../config/diff.js';
import { redactedText, writeSiteProperty } from '../../config/site-config.js';
import { writePropertiesFile } from '../../config/store.js';
import { ExitCode, OperationError, UsageError } from '../../shared/errors.js';
import { colorEnabled } from '../../ui/io.js';
import { startProgress } from '../../ui/spinner.js';
import { analyzeCheckPorts } from '../../checkports/analyze.js';
import { CHECK_PORTS_FLOOR, isOlderThan } from '../../checkports/mesos-version.js';
import { fromAgentRecord } from '../../checkports/from-agent-record.js';
import type { CheckPortsAgent } from '../../checkports/evaluate-agent.js';
import { renderCheckPortsText } from '../../checkports/render-text.js';
import type { CheckPortsRequirements, NamedPort } from '../../checkports/requirements.js';
import type { CheckPortsReport } from '../../checkports/report-types.js';
import { printable } from '../../shared/printable.js';
import type { OwnTask } from '../../checkports/own-tasks.js';
import { openDeploymentState } from '../../context/deployment-state.js';
import { aliasOfTaskId } from '../../state/task-names.js';
import { isTerminalTaskState } from '../../mesos/protocol/types.js';
import { readAlluxioLeader } from '../../mesos/zookeeper/alluxio-leader.js';

export interface CheckPortsFlags extends ConnectionFlags {
  strict?: boolean;
  suggestPorts?: boolean;
  write?: boolean;
}

function requirementsFromSite(site: LoadedSite): CheckPortsRequirements {
  const { config } = site;
  const workerPorts: NamedPort[] = [{ name: 'workerRpc', port: config.worker.rpcPort }];
  if (config.worker.requiredPorts.includes(config.worker.dataPort)) workerPorts.push({ name: 'workerData', port: config.worker.dataPort });
  workerPorts.push({ name: 'workerWeb', port: config.worker.webPort });
  return {
    role: config.mesos.role,
    masterCount: config.master.nodeCount,
    ...(config.master.highAvailability.kind === 'embedded'
      ? { masterHosts: config.master.highAvailability.masters.map((master) => master.host) }
      : {}),
    master: {
      ports: [
        { name: 'masterRpc', port: config.master.rpcPort },
        { name: 'masterWeb', port: config.master.webPort },
        // The embedded journal's port (Alluxio 2.x HA): the masters replicate their journal through it.
        ...(config.master.requiredPorts.includes(config.master.journalPort)
          ? [{ name: 'masterJournal' as const, port: config.master.journalPort }]
          : []),
      ],
      cpus: config.master.cpus,
      memMb: config.master.memMb,
    },
    worker: {
      ports: workerPorts,
      cpus: config.worker.cpus,
      overheadMemMb: config.worker.overheadMemMb,
      ramdiskMb: Math.ceil(config.worker.ramdiskBytes / (1024 * 1024)),
    },
    spelling: config.portSpelling,
  };
}

export async function runCheckPorts(ctx: CommandContext, flags: CheckPortsFlags): Promise<number> {
  const { io, globals } = ctx;
  if (flags.write === true && flags.suggestPorts !== true) {
    throw new UsageError('--write applies suggested ports', { hint: 'use it together with --suggest-ports' });
  }
  const site = await loadSite(globals.confDir);
  const color = colorEnabled(io, 'stdout', !globals.color);
  const progress = await startProgress(io, 'Finding the Mesos master', { enabled: !globals.json, noColorFlag: !globals.color });
  const { signal } = ctx.termination;
  let agents: CheckPortsAgent[];
  let ownTasks: OwnTask[] = [];
  let masterInfo: { address: string; version: string };
  const frameworkId = await savedFrameworkId(ctx, site);
  try {
    const connection = await openMaster(ctx, flags, site);
    try {
      progress.text(`Asking ${connection.client.baseUrl} for its version`);
      const version = await connection.client.getVersion({ signal });
      // Below the floor that is the verdict; the endpoints the agents would be read from may not even exist.
      if (isOlderThan(version.version.raw, CHECK_PORTS_FLOOR)) {
        throw new OperationError(
          `the Mesos master ${connection.client.baseUrl} runs ${version.version.raw}; Alluxio on Mesos needs ${CHECK_PORTS_FLOOR} or later`,
          { hint: `upgrade the Mesos master and agents to ${CHECK_PORTS_FLOOR} or later` },
        );
      }
      progress.text(`Reading the agents from ${connection.client.baseUrl}`);
      agents = (await connection.client.getAgents({ signal })).map(fromAgentRecord);
      if (frameworkId !== undefined) {
        // Where Alluxio already runs, its own tasks hold its ports: they are the deployment's.
        ownTasks = (await connection.client.getTasks({ signal }))
          .filter((task) => task.frameworkId === frameworkId && !isTerminalTaskState(task.state))
          .flatMap((task) => {
            const alias = aliasOfTaskId(task.taskId);
            return alias === undefined ? [] : [{ agentId: task.agentId, alias, resources: task.resources }];
          });
      }
      masterInfo = { address: connection.client.baseUrl, version: version.version.raw };
    } finally {
      connection.close();
    }
    progress.stop();
  } catch (error) {
    progress.fail();
    throw error;
  }
  const analyze = (requirements: CheckPortsRequirements): CheckPortsReport =>
    analyzeCheckPorts({
      master: masterInfo,
      agents,
      requirements,
      strict: flags.strict === true,
      suggestPorts: flags.suggestPorts === true,
      ownTasks,
    });
  const analyzed = analyze(requirementsFromSite(site));
  const zookeeper = await zookeeperProblem(site, Math.min(ctx.globals.timeoutMs, ZOOKEEPER_CHECK_MS), signal);
  const report: CheckPortsReport = zookeeper === undefined ? analyzed : { ...analyzed, warnings: [...analyzed.warnings, zookeeper] };

  for (const warning of site.warnings) io.stderr.write(`warning: ${printable(warning)}\n`);
  const suggestion = report.fixes.suggestedPorts;
  if (flags.write !== true || suggestion === undefined) {
    io.stdout.write(globals.json ? `${JSON.stringify(report)}\n` : renderCheckPortsText(report, { color }));
    return report.verdict.ok ? ExitCode.OK : ExitCode.FAILED;
  }

  if (!suggestion.ok) {
    if (!globals.json) io.stdout.write(renderCheckPortsText(report, { color }));
    throw new UsageError('no ports could be suggested, so nothing was written', {
      hint: 'make ports available with the --resources fix shown above',
    });
  }
  const written = await writeSuggestedPorts(site, suggestion.properties);
  // The verdict that matters now is the one for the ports just written.
  const after = analyze(requirementsFromSite(await loadSite(globals.confDir)));
  if (globals.json) {
    const outcome = { file: written.file, backup: written.backup, verdict: after.verdict, summary: after.summary };
    io.stdout.write(`${JSON.stringify({ ...report, written: outcome })}\n`);
  } else {
    io.stdout.write(renderCheckPortsText(report, { color }));
    io.stdout.write(`\n${written.diff}`);
    io.stdout.write(`\nWrote ${written.file}${written.backup === null ? '' : ` (previous version: ${written.backup})`}\n`);
    const verdict = after.verdict.ok ? 'Alluxio can be placed' : `still failing: ${after.verdict.reasons.join('; ')}`;
    io.stdout.write(`With the new ports: ${after.summary.line}; ${verdict}\n`);
  }
  return after.verdict.ok ? ExitCode.OK : ExitCode.FAILED;
}

async function writeSuggestedPorts(
  site: LoadedSite,
  properties: readonly string[],
): Promise<{ file: string; backup: string | null; diff: string }> {
  const doc = site.doc.clone();
  for (const line of properties) {
    const separator = line.indexOf('=');
    // Keys are re-spelled by writeSiteProperty to whatever generation the file already uses.
    writeSiteProperty(doc, line.slice(0, separator), line.slice(separator + 1));
    // The embedded journal's addresses name its port too: they move with it, or no master finds the others.
    if (line.slice(0, separator) === JOURNAL_PORT_KEY) moveJournalAddresses(doc, line.slice(separator + 1));
  }
  const before = site.doc.toString();
  const after = doc.toString();
  if (before === after) return { file: site.file, backup: null, diff: '' };
  const diff = unifiedDiff(redactedText(site.doc), redactedText(doc), {
    fromFile: `${site.file} (current)`,
    toFile: `${site.file} (new)`,
  });
  await mkdir(path.dirname(site.file), { recursive: true });
  const result = await writePropertiesFile(site.file, doc, site.loaded === undefined ? {} : { encoding: site.loaded.encoding });
  return { file: result.path, backup: result.backupPath ?? null, diff };
}

/** How long the masters' ZooKeeper may take to answer check-ports (never longer than --timeout). */
const ZOOKEEPER_CHECK_MS = 3_000;

/**
 * Masters electing their leader through ZooKeeper need it to answer: a warning (not a verdict on the
 * ports) when it does not, since the masters would never lead.
 */
async function zookeeperProblem(site: LoadedSite, timeoutMs: number, signal: AbortSignal): Promise<string | undefined> {
  const ha = site.config.master.highAvailability;
  if (ha.kind !== 'zookeeper') return undefined;
  try {
    await readAlluxioLeader(ha.zookeeperAddress, ha.leaderPath, { timeoutMs, signal });
    return undefined;
  } catch (error) {
    if (signal.aborted) throw error;
    return (
      `the masters' ZooKeeper (alluxio.zookeeper.address=${ha.zookeeperAddress}) does not answer: ` +
      `${error instanceof Error ? error.message : String(error)}; without it no master becomes the leader`
    );
  }
}

const JOURNAL_PORT_KEY = 'alluxio.master.embedded.journal.port';
const JOURNAL_ADDRESSES_KEY = 'alluxio.master.embedded.journal.addresses';

function moveJournalAddresses(doc: LoadedSite['doc'], port: string): void {
  const addresses = doc.get(JOURNAL_ADDRESSES_KEY);
  if (addresses === undefined) return;
  const moved = addresses
    .split(',')
    .map((entry) => entry.trim().replace(/:\d+$/, `:${port}`))
    .join(',');
  writeSiteProperty(doc, JOURNAL_ADDRESSES_KEY, moved);
}

/** The framework this configuration deployed, if its state records one; never an error here. */
async function savedFrameworkId(ctx: CommandContext, site: LoadedSite): Promise<string | undefined> {
  try {
    const state = openDeploymentState(ctx.globals, site);
    const ledger = await state.readLedger().finally(() => state.close());
    return ledger?.frameworkId;
  } catch {
    return undefined;
  }
}
