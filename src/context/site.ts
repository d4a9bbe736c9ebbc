/**
 * Loads what the commands need from the configuration directory: alluxio-site.properties (checked,
 * then resolved to typed values) and the CLI settings beside it. A missing properties file means
 * Alluxio's defaults, as for Alluxio itself.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { cliSettingsPath, readCliSettings, settingsHoldCredentials, type CliSettings } from '../config/cli-settings.js';
import { PropertiesDocument } from '../config/properties.js';
import { containsSecret, resolveSiteConfig, type AlluxioSiteConfig } from '../config/site-config.js';
import { readPropertiesFile, type LoadedProperties } from '../config/store.js';
import { validateSiteProperties } from '../config/validate.js';
import { ConfigError } from '../shared/errors.js';
import { errorCode } from '../shared/atomic-file.js';
import { SITE_PROPERTIES_FILE } from '../config/site-file.js';

export interface LoadedSite {
  file: string;
  /** Undefined when the file does not exist (Alluxio defaults apply). */
  loaded: LoadedProperties | undefined;
  doc: PropertiesDocument;
  config: AlluxioSiteConfig;
  settings: CliSettings;
  warnings: string[];
}

export async function loadSite(confDir: string): Promise<LoadedSite> {
  const file = path.join(confDir, SITE_PROPERTIES_FILE);
  const [loaded, settings] = await Promise.all([readPropertiesFile(file), readCliSettings(confDir)]);
  const doc = loaded?.doc ?? PropertiesDocument.empty();
  const { errors, warnings } = validateSiteProperties(doc, file);
  const [first] = errors;
  if (first !== undefined) {
    if (errors.length === 1) throw first;
    throw new ConfigError(
      `${errors.length} problems in ${file}: ${errors.map((error) => error.message).join(' | ')}`,
      { file },
      {
        hint: 'fix them (or run alluxio-mesos init) and try again',
      },
    );
  }
  if (loaded === undefined) warnings.push(`${file} does not exist; using Alluxio's defaults (run alluxio-mesos init to write one)`);
  if (loaded !== undefined && containsSecret(doc)) warnings.push(...readableByOthers(file, loaded.mode));
  if (settingsHoldCredentials(settings)) {
    const settingsFile = cliSettingsPath(confDir);
    warnings.push(...readableByOthers(settingsFile, (await stat(settingsFile)).mode));
  }
  return { file, loaded, doc, config: resolveSiteConfig(doc, file), settings, warnings };
}

/** A file holding a credential that other users can read (init writes them 0600, but a copy or an editor may not). */
function readableByOthers(file: string, mode: number): string[] {
  if ((mode & 0o077) === 0) return [];
  return [`${file} holds a credential and other users can read it (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${file}`];
}

/**
 * For commands that keep state in the configuration directory (deploy's ledger): it must exist.
 * Reading falls back to Alluxio's defaults, but a scheduler whose ledger cannot be written would
 * register a framework and then fail to record it.
 */
export async function requireConfDir(confDir: string, searched: readonly string[] = []): Promise<void> {
  let problem: string | undefined;
  try {
    if (!(await stat(confDir)).isDirectory()) problem = 'is not a directory';
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    problem = 'does not exist';
  }
  if (problem === undefined) return;
  throw new ConfigError(
    `the configuration directory ${confDir} ${problem}`,
    { file: confDir },
    {
      hint:
        `deploy keeps its ledger (the framework id and tasks) there: run \`alluxio-mesos init --conf-dir ${confDir}\` first, ` +
        `or create the directory${searched.length > 1 ? ` (settings searched: ${searched.join(', ')})` : ''}`,
    },
  );
}
