/**
 * Where the configuration lives, found from any working directory, in this order (the first that
 * applies wins):
 *  1. `--conf-dir <dir>`;
 *  2. `$ALLUXIO_MESOS_CONF_DIR`;
 *  3. `$ALLUXIO_HOME/conf`, when ALLUXIO_HOME is set (Alluxio's own convention);
 *  4. `./conf`, when it exists;
 *  5. the `confDir` of the per-user file `$XDG_CONFIG_HOME/alluxio-mesos/config.json` (default
 *     `~/.config/alluxio-mesos/config.json`), like kubectl's `~/.kube/config`.
 * With none of them, `./conf` is used (where `init` creates it). What was searched is kept, so an
 * error about missing settings can say where it looked.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../shared/errors.js';

const CONF_DIR_ENV = 'ALLUXIO_MESOS_CONF_DIR';

export interface ConfDirChoice {
  /** Absolute path of the configuration directory. */
  dir: string;
  /** Each place looked at, in order, as `what (finding)`; the chosen one last. */
  searched: string[];
}

interface SearchInput {
  flag: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** The per-user file naming a configuration directory: `{"confDir": "/etc/alluxio/conf"}`. */
export function userConfigPath(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const xdg = env.XDG_CONFIG_HOME;
  const base =
    xdg !== undefined && xdg !== '' ? xdg : env.HOME !== undefined && env.HOME !== '' ? path.join(env.HOME, '.config') : undefined;
  return base === undefined ? undefined : path.join(base, 'alluxio-mesos', 'config.json');
}

export function findConfDir({ flag, env, cwd }: SearchInput): ConfDirChoice {
  if (flag !== undefined) return { dir: path.resolve(cwd, flag), searched: [`--conf-dir ${flag}`] };
  const searched: string[] = ['--conf-dir (not given)'];
  const fromEnv = env[CONF_DIR_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    return { dir: path.resolve(cwd, fromEnv), searched: [...searched, `$${CONF_DIR_ENV} (${fromEnv})`] };
  }
  searched.push(`$${CONF_DIR_ENV} (not set)`);
  const home = env.ALLUXIO_HOME;
  if (home !== undefined && home !== '') {
    const dir = path.resolve(cwd, home, 'conf');
    return { dir, searched: [...searched, `$ALLUXIO_HOME/conf (${dir})`] };
  }
  searched.push('$ALLUXIO_HOME/conf (ALLUXIO_HOME not set)');
  const local = path.resolve(cwd, 'conf');
  if (existsSync(local)) return { dir: local, searched: [...searched, `./conf (${local})`] };
  searched.push(`./conf (${local} does not exist)`);
  const userFile = userConfigPath(env);
  if (userFile !== undefined) {
    const named = readUserConfDir(userFile);
    if (named !== undefined) return { dir: path.resolve(path.dirname(userFile), named), searched: [...searched, `${userFile} (${named})`] };
    searched.push(`${userFile} (${existsSync(userFile) ? 'names no confDir' : 'does not exist'})`);
  }
  return { dir: local, searched };
}

function readUserConfDir(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`${file} is not JSON`, { file }, { hint: 'write {"confDir": "/path/to/conf"} into it, or remove it' });
  }
  const confDir = (parsed as { confDir?: unknown } | null)?.confDir;
  if (confDir === undefined) return undefined;
  if (typeof confDir !== 'string' || confDir === '') {
    throw new ConfigError(
      `${file}: confDir must be a directory path`,
      { file, key: 'confDir' },
      { hint: 'write {"confDir": "/path/to/conf"}' },
    );
  }
  return confDir;
}
