/**
 * `init --write-service systemd|marathon`: renders the service file from the settings init has
 * just saved (or would save, with --dry-run) and writes it the way init writes every file: never
 * replacing a different file without --force (or a yes at the prompt), the old one kept as `.bak`.
 * Mode 0644: a service file holds no secret, only where the service manager finds it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandContext } from '../../context/context.js';
import type { CliSettings } from '../../config/cli-settings.js';
import { unifiedDiff } from '../../config/diff.js';
import type { PropertiesDocument } from '../../config/properties.js';
import { resolveSiteConfig } from '../../config/site-config.js';
import type { FileWrite, WriteResult } from '../../shared/atomic-file.js';
import { UsageError } from '../../shared/errors.js';
import { packageRoot } from '../../shared/package-root.js';
import { shellQuote } from '../../shared/shell-quote.js';
import type { Prompter } from '../../ui/prompts.js';
import { renderDiff } from '../../init/render.js';
import { defaultServiceFileName, prepareServiceInputs, SERVICE_KINDS, type ServiceKind } from '../../init/service/inputs.js';
import { renderServiceFile, serviceNextSteps } from '../../init/service/render.js';

const SERVICE_FILE_MODE = 0o644;

export interface ServiceFile {
  readonly kind: ServiceKind;
  readonly path: string;
  readonly text: string;
  readonly warnings: readonly string[];
}

export function serviceKind(value: string): ServiceKind {
  const kind = SERVICE_KINDS.find((candidate) => candidate === value);
  if (kind === undefined) throw new UsageError(`--write-service "${value}": choose one of ${SERVICE_KINDS.join(', ')}`);
  return kind;
}

/**
 * The CLI as installed here, for the service to run: this node binary and this package's entry
 * point, both absolute (systemd wants an absolute program; an agent runs the same paths).
 */
function installedCli(): { node: string; cli: string; warning: string | undefined } {
  const cli = path.join(packageRoot(), 'bin', 'alluxio-mesos.js');
  const ephemeral = /[\\/]_npx[\\/]/.test(cli);
  return {
    node: process.execPath,
    cli,
    warning: ephemeral
      ? `the CLI runs from npx's cache (${cli}), which can be cleaned at any time: install it ` +
        '(npm install -g alluxio-mesos) and write the service file again'
      : undefined,
  };
}

export function renderService(
  ctx: CommandContext,
  kindFlag: string,
  serviceFile: string | undefined,
  doc: PropertiesDocument,
  settings: CliSettings,
): ServiceFile {
  const kind = serviceKind(kindFlag);
  const { confDir } = ctx.globals;
  const site = resolveSiteConfig(doc);
  const cli = installedCli();
  const { inputs, warnings } = prepareServiceInputs(kind, {
    confDir,
    master: settings.master,
    state: settings.state,
    secretFile: settings.secretFile === undefined ? undefined : path.resolve(ctx.io.cwd, settings.secretFile),
    secretInSiteFile: site.mesos.secret !== undefined,
    user: site.mesos.user,
    alluxio: site.alluxioJar.kind === 'local' ? `installed on the agents at ${site.alluxioHome}` : `from ${site.alluxioJar.url}`,
    node: cli.node,
    cli: cli.cli,
  });
  return {
    kind,
    path: path.resolve(ctx.io.cwd, serviceFile ?? path.join(confDir, defaultServiceFileName(kind))),
    text: renderServiceFile(kind, inputs),
    warnings: cli.warning === undefined ? warnings : [...warnings, cli.warning],
  };
}

export interface ServiceWriteResult {
  readonly file: string;
  readonly written: boolean;
  readonly changed: boolean;
  readonly backup: string | null;
}

/** What to do with the service file, decided before anything is written. */
export type ServiceWritePlan = { readonly action: 'write' } | { readonly action: 'keep'; readonly changed: boolean };

/**
 * An existing different file is replaced only with `replace` (--force or --yes) or a yes from
 * `prompter`, after its diff was shown; otherwise a UsageError, before anything is written.
 */
export async function planServiceWrite(
  service: ServiceFile,
  options: { replace: boolean; prompter: Prompter | undefined; color: boolean; out: (text: string) => void },
): Promise<ServiceWritePlan> {
  const current = await readExisting(service.path);
  if (current === service.text) return { action: 'keep', changed: false };
  if (current === undefined || options.replace) {
    if (current !== undefined) options.out(serviceDiff(service, current, options.color));
    return { action: 'write' };
  }
  options.out(serviceDiff(service, current, options.color));
  if (options.prompter === undefined) {
    throw new UsageError(`${service.path} exists and would change (diff above)`, {
      hint: 'pass --force to replace it (a .bak copy is kept), or --dry-run to only look',
    });
  }
  const message = `Replace ${service.path}? (the current one is kept as ${path.basename(service.path)}.bak)`;
  return (await options.prompter.confirm({ message, default: false })) ? { action: 'write' } : { action: 'keep', changed: true };
}

function serviceDiff(service: ServiceFile, current: string, color: boolean): string {
  return renderDiff(unifiedDiff(current, service.text, { fromFile: `${service.path} (current)`, toFile: `${service.path} (new)` }), {
    color,
  });
}

/** The write the plan asks for, for writeFilesAtomic (init writes it with the site file and settings, all or nothing). */
export function serviceFileWrite(service: ServiceFile, plan: ServiceWritePlan): FileWrite | undefined {
  return plan.action === 'keep' ? undefined : { path: service.path, content: service.text, mode: SERVICE_FILE_MODE };
}

/** What happened to the service file, once `written` (the result of its write, if it had one) is known. */
export function serviceWriteResult(service: ServiceFile, plan: ServiceWritePlan, written: WriteResult | undefined): ServiceWriteResult {
  if (plan.action === 'keep' || written === undefined)
    return { file: service.path, written: false, changed: plan.action === 'keep' && plan.changed, backup: null };
  return { file: written.path, written: true, changed: true, backup: written.backupPath ?? null };
}

async function readExisting(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      hint: 'give --service-file the path of a file',
    });
  }
}

/** The lines printed after writing: what happened, then how to install it. */
export function serviceReport(service: ServiceFile, result: ServiceWriteResult): string {
  const head = !result.changed
    ? `${result.file} is already up to date.`
    : result.written
      ? `Wrote ${result.file}${result.backup === null ? '' : ` (previous version: ${result.backup})`}`
      : `${result.file} not replaced.`;
  const steps = serviceNextSteps(service.kind, shellQuote(result.file)).map((line) => `  ${line}`);
  return `${head}\n${steps.join('\n')}\n`;
}
