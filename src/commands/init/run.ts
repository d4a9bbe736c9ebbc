/**
 * `alluxio-mesos init`: walks the step table (flag, else prompt, else the current value), shows a
 * summary, and writes alluxio-site.properties and the CLI settings atomically, with a diff and a
 * question before replacing an existing file.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandContext } from '../../context/context.js';
import type { InitInputs } from '../../init/inputs.js';
import { parseStateLocation } from '../../state/state-location.js';
import { readCliSettings, cliSettingsWrite, cliSettingsPath, shownSettings, type CliSettings } from '../../config/cli-settings.js';
import { findSpec } from '../../config/catalog.js';
import { journalStorage } from '../../config/high-availability.js';
import { PropertiesDocument } from '../../config/properties.js';
import { readSecret, SECRET_PROPERTY } from '../../config/secret.js';
import { propertiesFileWrite, readPropertiesFile } from '../../config/store.js';
import { writeFilesAtomic, type FileWrite, type StoreFs, type WriteResult } from '../../shared/atomic-file.js';
import { unifiedDiff } from '../../config/diff.js';
import { validateSiteProperties } from '../../config/validate.js';
import { DEFAULT_PORT_SPELLING, portSpelling, redactedText } from '../../config/site-config.js';
import { shownPropertyValue } from '../../config/secret-keys.js';
import { parseMasterAddress } from '../../mesos/client/address.js';
import { ExitCode, UsageError, ConfigError, isAlluxioMesosError } from '../../shared/errors.js';
import { templatePath } from '../../shared/package-root.js';
import { SITE_PROPERTIES_FILE } from '../../config/site-file.js';
import { canPrompt, colorEnabled } from '../../ui/io.js';
import { inquirerPrompter, type Prompter } from '../../ui/prompts.js';
import { renderSummary, renderDiff } from '../../init/render.js';
import { answersFromFlags, applyAnswers, currentValue } from '../../init/answers.js';
import { STEPS, propertyKeyOf, type Answers, type PortSpelling, type Step, type StepId } from '../../init/steps.js';
import { portClash, type AnswerOrigin } from '../../init/port-clash.js';
import { planServiceWrite, renderService, serviceFileWrite, serviceKind, serviceReport, serviceWriteResult } from './write-service.js';
import { printable } from '../../shared/printable.js';
import { maskUriCredentials } from '../../shared/uri-credentials.js';

/**
 * Answers are read the way a person means them: `1.5 GB` is taken as `1.5GB`, because Alluxio's
 * own size parser rejects the blank and would fail at start-up on the agents.
 */
function normalizeAnswer(step: Step, value: string, spelling: PortSpelling): string {
  const trimmed = value.trim();
  const key = propertyKeyOf(step, spelling);
  if (key !== undefined && findSpec(key)?.type === 'bytes') return trimmed.replace(/^([\d.]+)\s+([A-Za-z]+)$/, '$1$2');
  return trimmed;
}

/** Checks one answer; returns the problem and its fix as one line, or undefined. */
export function checkAnswer(step: Step, value: string, spelling: PortSpelling): string | undefined {
  const trimmed = normalizeAnswer(step, value, spelling);
  if (trimmed === '') return step.optional === true ? undefined : 'a value is required';
  switch (step.id) {
    case 'master':
      try {
        parseMasterAddress(trimmed);
        return undefined;
      } catch (error) {
        return isAlluxioMesosError(error) ? [error.message, error.hint].filter(Boolean).join('; ') : String(error);
      }
    case 'maxWorkers':
      return /^[1-9]\d*$/.test(trimmed) ? undefined : `"${trimmed}" is not a whole number of at least 1`;
    case 'alluxioMaster':
      return /^[A-Za-z0-9.:[\]_-]+$/.test(trimmed) ? undefined : `"${trimmed}" is not a hostname`;
    case 'journalFolder':
      return journalStorage(trimmed) !== 'local'
        ? undefined
        : `"${trimmed}" is on each agent's own disk; several masters need storage every master reads, e.g. hdfs://namenode:9000/alluxio/journal (or file:// on a mount all agents share)`;
    case 'distribution':
    case 'java':
    case 'ha':
    case 'customPorts':
      return step.choices?.some((choice) => choice.value === trimmed) === true
        ? undefined
        : `choose one of ${step.choices?.map((c) => c.value).join(', ')}`;
    case 'secretFile':
      return undefined; // checked by reading it, with the file's own error
    case 'state':
      try {
        parseStateLocation(trimmed, '');
        return undefined;
      } catch (error) {
        return isAlluxioMesosError(error) ? [error.message, error.hint].filter(Boolean).join('; ') : String(error);
      }
    default:
      break;
  }
  const key = propertyKeyOf(step, spelling);
  const spec = key === undefined ? undefined : findSpec(key);
  const problem = spec?.validate(trimmed);
  return problem === undefined ? undefined : `${problem.problem}; ${problem.fix}`;
}

interface InitResult {
  file: string;
  settingsFile: string;
  written: boolean;
  changed: boolean;
  backup: string | null;
  dryRun: boolean;
}

/** `storeFs`: the file-system calls of the final write, replaced by tests to simulate a failure. */
export async function runInit(ctx: CommandContext, flags: InitInputs, injectedPrompter?: Prompter, storeFs?: StoreFs): Promise<number> {
  const { io, globals } = ctx;
  const file = path.join(globals.confDir, SITE_PROPERTIES_FILE);
  const loaded = await readPropertiesFile(file);
  const existing = loaded?.doc;
  const settingsBefore = await readCliSettings(globals.confDir);
  const spelling: PortSpelling =
    (flags.portKeys as PortSpelling | undefined) ?? (existing === undefined ? DEFAULT_PORT_SPELLING : portSpelling(existing));
  if (flags.writeService !== undefined) serviceKind(flags.writeService);
  if (flags.serviceFile !== undefined && flags.writeService === undefined) {
    throw new UsageError('--service-file needs --write-service systemd|marathon');
  }
  // Writing a service file for an existing configuration asks nothing: it renders what is saved.
  const rendersOnly = flags.writeService !== undefined && existing !== undefined;
  const interactive = injectedPrompter !== undefined || (canPrompt(io, globals.yes) && !rendersOnly);
  const prompter = injectedPrompter ?? (interactive ? await inquirerPrompter(io, ctx.termination.signal) : undefined);

  const answers = answersFromFlags(flags, globals.master);
  const origins = new Map<StepId, AnswerOrigin>(Object.keys(answers).map((id) => [id as StepId, 'flag']));
  const originOf = (id: StepId): AnswerOrigin => origins.get(id) ?? 'current';
  const applicable = (step: Step): boolean => step.when === undefined || step.when(answers, spelling);
  const catalogDefault = (key: string): string | undefined => {
    const value = findSpec(key)?.default;
    return value === undefined || value.includes('${') ? undefined : value;
  };

  const missing: Step[] = [];
  for (const step of STEPS) {
    if (!applicable(step)) continue;
    const raw = answers[step.id];
    const given = raw === undefined ? undefined : normalizeAnswer(step, raw, spelling);
    if (given !== undefined) {
      answers[step.id] = given;
      const problem = checkAnswer(step, given, spelling) ?? portClash(step.id, given, answers, originOf);
      if (problem !== undefined) {
        throw new UsageError(`${step.flag} "${given}": ${problem}`);
      }
      continue;
    }
    const current = currentValue(step, existing, settingsBefore, spelling, catalogDefault);
    if (prompter !== undefined) {
      answers[step.id] = await ask(prompter, step, current, spelling, (value) => portClash(step.id, value, answers, originOf));
      origins.set(step.id, 'prompt');
    } else if (current !== undefined) {
      const problem = portClash(step.id, current, answers, originOf);
      if (problem !== undefined)
        throw new UsageError(`${step.flag} (not given, ${current}): ${problem}`, { hint: `pass ${step.flag} <port>` });
      answers[step.id] = current;
    } else if (step.required === true) {
      missing.push(step);
    }
  }
  if (missing.length > 0) {
    const flagsNeeded = [...new Set(missing.map((step) => `${step.flag} ${step.placeholder}`.trim()))];
    throw new UsageError(`init cannot ask questions here and these values are missing: ${flagsNeeded.join(', ')}`, {
      hint: `pass ${flagsNeeded.length === 1 ? 'it' : 'them'} as flags, or run init in a terminal without --yes`,
    });
  }

  const base = existing ?? PropertiesDocument.parse(await readFile(templatePath('alluxio-site.properties.template'), 'utf8'));
  const { doc, settings } = applyAnswers(base, settingsBefore, answers, spelling, applicable);

  const secretWarnings: string[] = [];
  if (flags.storeSecret === true) {
    const source = await readSecret(settings.secretFile, io.env);
    if (source === undefined) {
      throw new UsageError('--store-secret needs a secret', {
        hint: 'pass --secret-file FILE or set ALLUXIO_MESOS_SECRET; never put the secret on the command line',
      });
    }
    if (source.warning !== undefined) secretWarnings.push(source.warning);
    doc.set(SECRET_PROPERTY, source.secret);
  } else if (settings.secretFile !== undefined && settings.secretFile !== settingsBefore.secretFile) {
    const source = await readSecret(settings.secretFile, io.env);
    if (source?.warning !== undefined) secretWarnings.push(source.warning);
  }

  const newText = doc.toString();
  // Edits keep the existing file's lines, so its line numbers stay true; a file that does not exist
  // yet is named for what it is, never as if it had been written.
  const shownAs = existing === undefined ? `the new ${SITE_PROPERTIES_FILE} (not written)` : file;
  const validation = validateSiteProperties(PropertiesDocument.parse(newText, { fileName: shownAs }), shownAs);
  const [first] = validation.errors;
  if (first !== undefined && validation.errors.length === 1 && existing !== undefined) throw first;
  if (validation.errors.length > 0) {
    throw new ConfigError(
      `nothing was written: ${validation.errors.map((e: ConfigError) => e.message).join(' | ')}`,
      { file },
      {
        hint:
          validation.errors.length === 1 && first?.hint !== undefined
            ? first.hint
            : 'fix the values named above (flags, answers or the existing file) and run init again',
      },
    );
  }

  const color = colorEnabled(io, 'stdout', !globals.color);
  const oldText = existing?.toString();
  const changed = oldText !== newText;
  const settingsChanged = JSON.stringify(settings) !== JSON.stringify(settingsBefore);
  const out = (text: string): void => {
    if (!globals.json) io.stdout.write(text);
  };
  const warn = (text: string): void => {
    io.stderr.write(`warning: ${printable(text)}\n`);
  };
  for (const warning of [...validation.warnings, ...secretWarnings]) warn(warning);
  const service = flags.writeService === undefined ? undefined : renderService(ctx, flags.writeService, flags.serviceFile, doc, settings);
  for (const warning of service?.warnings ?? []) warn(warning);

  if (flags.dryRun === true && service !== undefined) {
    if (globals.json) {
      io.stdout.write(`${JSON.stringify({ serviceFile: service.path, kind: service.kind, dryRun: true, content: service.text })}\n`);
    } else {
      io.stdout.write(service.text);
    }
    return ExitCode.OK;
  }
  if (flags.dryRun === true) {
    const shown = redactedText(doc);
    if (globals.json) {
      io.stdout.write(
        `${JSON.stringify({ ...result(file, globals.confDir, false, changed, null, true), content: shown, settings: shownSettings(settings) })}\n`,
      );
    } else {
      io.stdout.write(shown);
    }
    return ExitCode.OK;
  }

  if (!rendersOnly || changed || settingsChanged) out(renderSummary(summaryRows(answers, settings, spelling, applicable, doc), { color }));

  if (existing !== undefined && changed) {
    out(
      renderDiff(unifiedDiff(redactedText(existing), redactedText(doc), { fromFile: `${file} (current)`, toFile: `${file} (new)` }), {
        color,
      }),
    );
    if (flags.force !== true && !globals.yes) {
      if (prompter === undefined) {
        throw new UsageError(`${file} exists and would change (diff above)`, {
          hint: 'pass --force to replace it (a .bak copy is kept), or --dry-run to only look',
        });
      }
      if (
        !(await prompter.confirm({ message: `Replace ${file}? (the current one is kept as ${path.basename(file)}.bak)`, default: false }))
      ) {
        out('Nothing written.\n');
        return ExitCode.OK;
      }
    }
  } else if (existing === undefined && prompter !== undefined && !globals.yes) {
    if (!(await prompter.confirm({ message: `Write ${file}?`, default: true }))) {
      out('Nothing written.\n');
      return ExitCode.OK;
    }
  }

  const servicePlan =
    service === undefined ? undefined : await planServiceWrite(service, { replace: flags.force === true, prompter, color, out });

  // Every file init writes changes, or none does (see writeFilesAtomic): a settings file that cannot
  // be written must not leave a new site file behind it.
  await mkdir(globals.confDir, { recursive: true });
  const siteWrite = changed ? propertiesFileWrite(file, doc, loaded === undefined ? {} : { encoding: loaded.encoding }) : undefined;
  const settingsWrite = settingsChanged || existing === undefined ? cliSettingsWrite(globals.confDir, settings) : undefined;
  const serviceWrite = service === undefined || servicePlan === undefined ? undefined : serviceFileWrite(service, servicePlan);
  const writes = [siteWrite, settingsWrite, serviceWrite].filter((write) => write !== undefined);
  const results = await writeFilesAtomic(writes, storeFs === undefined ? {} : { fs: storeFs });
  const resultOf = (write: FileWrite | undefined): WriteResult | undefined =>
    write === undefined ? undefined : results[writes.indexOf(write)];
  const backup = resultOf(siteWrite)?.backupPath ?? null;
  const serviceResult =
    service === undefined || servicePlan === undefined ? undefined : serviceWriteResult(service, servicePlan, resultOf(serviceWrite));

  if (globals.json) {
    const written = result(file, globals.confDir, changed, changed, backup, false);
    const serviceField = serviceResult === undefined ? {} : { service: { kind: service?.kind, ...serviceResult } };
    io.stdout.write(
      `${JSON.stringify({ ...written, settings: shownSettings(settings), ...serviceField, next: 'alluxio-mesos check-ports' })}\n`,
    );
  } else {
    if (!rendersOnly || changed) {
      out(changed ? `Wrote ${file}${backup === null ? '' : ` (previous version: ${backup})`}\n` : `${file} is already up to date.\n`);
    }
    if (!rendersOnly || settingsChanged) out(`Saved CLI settings in ${cliSettingsPath(globals.confDir)}\n`);
    if (service !== undefined && serviceResult !== undefined) {
      out(serviceReport(service, serviceResult));
    } else {
      out(`\nNext: alluxio-mesos check-ports${globals.confDir === path.resolve(io.cwd, 'conf') ? '' : ` --conf-dir ${globals.confDir}`}\n`);
    }
  }
  return ExitCode.OK;
}

function result(file: string, confDir: string, written: boolean, changed: boolean, backup: string | null, dryRun: boolean): InitResult {
  return { file, settingsFile: cliSettingsPath(confDir), written, changed, backup, dryRun };
}

async function ask(
  prompter: Prompter,
  step: Step,
  current: string | undefined,
  spelling: PortSpelling,
  crossCheck: (value: string) => string | undefined,
): Promise<string> {
  if (step.prompt === 'select' && step.choices !== undefined) {
    return prompter.select({ message: step.message, choices: step.choices, ...(current === undefined ? {} : { default: current }) });
  }
  // A saved password (zk://user:password@...) is offered masked; taking the default keeps it.
  const shown = current === undefined ? undefined : maskUriCredentials(current);
  const meant = (value: string): string => (value === shown && current !== undefined ? current : value);
  const answer = await prompter.input({
    message: step.message,
    ...(shown === undefined ? {} : { default: shown }),
    validate: (value) => checkAnswer(step, meant(value), spelling) ?? crossCheck(normalizeAnswer(step, meant(value), spelling)),
  });
  return normalizeAnswer(step, meant(answer), spelling);
}

function summaryRows(
  answers: Answers,
  settings: CliSettings,
  spelling: PortSpelling,
  applicable: (step: Step) => boolean,
  doc: PropertiesDocument,
): Array<[string, string, string]> {
  const rows: Array<[string, string, string]> = [];
  for (const step of STEPS) {
    if (!applicable(step) || step.target.kind === 'derived') continue;
    const where = step.target.kind === 'setting' ? 'alluxio-mesos.json' : (propertyKeyOf(step, spelling) ?? '');
    const value = step.target.kind === 'setting' ? settings[step.target.key] : doc.get(where);
    rows.push([
      step.message.replace(/ \(.*$/, '').replace(/\?$/, ''),
      // A password in the master or state address, or inside the under-storage URI, is never shown.
      value === undefined || value === '' ? '(not set)' : shownPropertyValue(where, String(value)),
      where,
    ]);
  }
  if (doc.has(SECRET_PROPERTY)) rows.push(['Mesos secret', '******** (stored, file mode 0600)', SECRET_PROPERTY]);
  if (answers.ha === 'zookeeper') rows.push(['Leader election', 'ZooKeeper, journal on shared storage', 'alluxio.zookeeper.enabled']);
  if (answers.ha === 'embedded') rows.push(['Leader election', 'the embedded journal (Alluxio 2.x)', 'alluxio.master.journal.type']);
  if (answers.distribution === 'local')
    rows.unshift(['Alluxio distribution', 'LOCAL (installed on every agent)', 'alluxio.integration.mesos.alluxio.jar.url']);
  return rows;
}
