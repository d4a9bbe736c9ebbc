/**
 * Settings of this CLI that are not Alluxio properties (the Mesos master address chosen in `init`,
 * a pinned master host, the secret file's path, a worker limit). They live beside
 * alluxio-site.properties in `alluxio-mesos.json`, so later commands work without flags and Alluxio
 * never receives keys it does not know.
 */
import path from 'node:path';
import { ConfigError } from '../shared/errors.js';
import { writeFileAtomic, type FileWrite } from '../shared/atomic-file.js';
import { hasUriCredentials, maskUriCredentials } from '../shared/uri-credentials.js';
import { oneLineQuote } from '../shared/excerpt.js';
import { readBoundedText, UnfitFileError } from '../shared/bounded-read.js';

/** Settings are a handful of keys; anything near this size is not a settings file. */
const CLI_SETTINGS_MAX_BYTES = 1024 * 1024;

const CLI_SETTINGS_FILE = 'alluxio-mesos.json';

export interface CliSettings {
  master?: string;
  alluxioMaster?: string;
  secretFile?: string;
  maxWorkers?: number;
  /** Where the scheduler state lives: `file` (default) or a zk:// URL (`init --state`). */
  state?: string;
}

const KNOWN_KEYS: ReadonlySet<string> = new Set(['master', 'alluxioMaster', 'secretFile', 'maxWorkers', 'state']);

export function cliSettingsPath(confDir: string): string {
  return path.join(confDir, CLI_SETTINGS_FILE);
}

export async function readCliSettings(confDir: string): Promise<CliSettings> {
  const file = cliSettingsPath(confDir);
  let text: string;
  try {
    text = await readBoundedText(file, CLI_SETTINGS_MAX_BYTES);
  } catch (error) {
    if (error instanceof UnfitFileError) {
      throw new ConfigError(error.message, { file }, { hint: 'move it aside and run alluxio-mesos init again' });
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    throw new ConfigError(
      `cannot read ${file}: ${code ?? String(error)}`,
      { file },
      { hint: 'it must be a readable file: move what is there aside and run alluxio-mesos init again', cause: error },
    );
  }
  return parseCliSettings(text, file);
}

export function parseCliSettings(text: string, file: string): CliSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${file} is not valid JSON (${oneLineQuote((error as Error).message)})`,
      { file },
      {
        hint: `fix or delete it and run alluxio-mesos init again`,
      },
    );
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${file} must hold a JSON object`, { file }, { hint: 'run alluxio-mesos init again' });
  }
  const settings: CliSettings = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!KNOWN_KEYS.has(key)) continue; // written by a newer version: keep going, never fail on it
    if (key === 'maxWorkers') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
        throw new ConfigError(
          `${file}: "maxWorkers" must be a whole number of at least 1`,
          { file, key },
          {
            hint: 'run alluxio-mesos init --max-workers N',
          },
        );
      }
      settings.maxWorkers = value;
    } else {
      if (typeof value !== 'string') {
        throw new ConfigError(`${file}: "${key}" must be a string`, { file, key }, { hint: 'run alluxio-mesos init again' });
      }
      if (value !== '') settings[key as 'master' | 'alluxioMaster' | 'secretFile' | 'state'] = value;
    }
  }
  return settings;
}

export function renderCliSettings(settings: CliSettings): string {
  const ordered: Record<string, string | number> = {};
  if (settings.master !== undefined) ordered.master = settings.master;
  if (settings.alluxioMaster !== undefined) ordered.alluxioMaster = settings.alluxioMaster;
  if (settings.secretFile !== undefined) ordered.secretFile = settings.secretFile;
  if (settings.maxWorkers !== undefined) ordered.maxWorkers = settings.maxWorkers;
  if (settings.state !== undefined) ordered.state = settings.state;
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Whether the settings hold a password (`zk://user:password@...` as the master or the state). */
export function settingsHoldCredentials(settings: CliSettings): boolean {
  return [settings.master, settings.state].some((value) => value !== undefined && hasUriCredentials(value));
}

/** The settings as they may be shown (`init --json`): passwords in addresses masked. */
export function shownSettings(settings: CliSettings): CliSettings {
  const shown = { ...settings };
  if (shown.master !== undefined) shown.master = maskUriCredentials(shown.master);
  if (shown.state !== undefined) shown.state = maskUriCredentials(shown.state);
  return shown;
}

/**
 * The write of the settings, for writeFilesAtomic (init writes them with the site file, all or
 * nothing). Settings holding a password are written 0600 (a looser file is tightened, its backup
 * too); others keep the mode of the file they replace.
 */
export function cliSettingsWrite(confDir: string, settings: CliSettings): FileWrite {
  return {
    path: cliSettingsPath(confDir),
    content: renderCliSettings(settings),
    ...(settingsHoldCredentials(settings) ? { mode: 0o600 } : {}),
  };
}

export async function writeCliSettings(confDir: string, settings: CliSettings): Promise<string> {
  const write = cliSettingsWrite(confDir, settings);
  await writeFileAtomic(write.path, write.content, write.mode === undefined ? {} : { mode: write.mode });
  return write.path;
}
