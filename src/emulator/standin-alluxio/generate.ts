/**
 * Writes the stand-in Alluxio distribution (see `templates/demo-dist/STAND-IN.md`): the directory
 * `DIR/alluxio-<version>/` and the tarball `DIR/alluxio-<version>-bin.tar.gz` whose single top
 * directory is `alluxio-<version>`, laid out like a real Alluxio 1.x binary tarball so that the same
 * launch command runs either.
 */
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create as createTar, list as listTar } from 'tar';
import { fileExistsError, publishFile, temporaryPath } from '../../shared/atomic-file.js';
import { OperationError, UsageError } from '../../shared/errors.js';
import { makeDirectory } from '../../shared/make-directory.js';

/** The last Alluxio 1.x release, whose layout and scripts the stand-in follows. */
export const DEFAULT_DEMO_VERSION = '1.8.2';

const VERSION_PLACEHOLDER = '@ALLUXIO_VERSION@';
/** Present at the top of every stand-in; also how an earlier output is recognised before replacing it. */
const MARKER_FILE = 'STAND-IN.md';

/** Files that must be executable whatever mode the package manager left on the templates. */
const EXECUTABLES: ReadonlySet<string> = new Set([
  'bin/alluxio',
  'bin/alluxio-start.sh',
  'bin/alluxio-stop.sh',
  'libexec/standin-java',
  'integration/mesos/bin/alluxio-master-mesos.sh',
  'integration/mesos/bin/alluxio-worker-mesos.sh',
]);

/** Directories a real binary tarball ships empty. */
const EMPTY_DIRS = ['logs'];

export interface DemoDistribution {
  /** `DIR/alluxio-<version>` (absolute). */
  home: string;
  /** `DIR/alluxio-<version>-bin.tar.gz` (absolute). */
  tarball: string;
  version: string;
}

export interface DemoDistributionOptions {
  version?: string;
  /** Replace an existing tarball that is not a stand-in's (`--force`); without it that is refused. */
  force?: boolean;
}

/** A stand-in tarball is a few KiB; a bigger file of that name is something else, and is not read to find out. */
const MAX_STANDIN_TARBALL_BYTES = 1024 * 1024;

export async function writeDemoDistribution(dir: string, options: DemoDistributionOptions = {}): Promise<DemoDistribution> {
  const version = options.version ?? DEFAULT_DEMO_VERSION;
  if (!/^\d+\.\d+(\.\d+)?([-.][A-Za-z0-9.]+)?$/.test(version)) {
    throw new UsageError(`invalid Alluxio version "${version}"`, { hint: 'Use a version such as 1.8.2.' });
  }
  const topDir = `alluxio-${version}`;
  const home = join(dir, topDir);
  const tarball = join(dir, `${topDir}-bin.tar.gz`);

  await makeDirectory(dir);
  // Both checked before anything is written. A directory tree that is not ours is never removed,
  // not even with --force: the user removes it, or chooses another directory.
  if (existsSync(home) && !existsSync(join(home, MARKER_FILE))) {
    throw new UsageError(`${home} already exists and is not a stand-in distribution: not replacing it`, {
      hint: 'choose another directory, or remove it yourself',
    });
  }
  if (options.force !== true && existsSync(tarball) && !(await isStandInTarball(tarball, topDir))) throw fileExistsError(tarball);
  if (existsSync(home)) await rm(home, { recursive: true, force: true });

  const templates = templatesDir();
  for (const file of await listFiles(templates)) {
    const target = join(home, file);
    await mkdir(dirname(target), { recursive: true });
    const text = await readFile(join(templates, file), 'utf8');
    await writeFile(target, text.split(VERSION_PLACEHOLDER).join(version));
    const templateMode = (await stat(join(templates, file))).mode;
    const executable = EXECUTABLES.has(file) || (templateMode & 0o111) !== 0;
    await chmod(target, executable ? 0o755 : 0o644);
  }
  for (const empty of EMPTY_DIRS) await mkdir(join(home, empty), { recursive: true });

  const temp = temporaryPath(tarball);
  try {
    await createTar({ gzip: true, cwd: dir, file: temp, portable: true }, [topDir]);
    // A stand-in of an earlier run is replaced; anything else only with --force (checked above, and
    // again atomically here for a file that appeared meanwhile).
    await publishFile(temp, tarball, {
      replace: options.force === true || (existsSync(tarball) && (await isStandInTarball(tarball, topDir))),
    });
  } finally {
    await rm(temp, { force: true });
  }
  return { home, tarball, version };
}

/** Whether `file` is a stand-in tarball this command wrote earlier (it holds `<topDir>/STAND-IN.md`). */
async function isStandInTarball(file: string, topDir: string): Promise<boolean> {
  try {
    const stats = await stat(file);
    if (!stats.isFile() || stats.size > MAX_STANDIN_TARBALL_BYTES) return false;
    let found = false;
    await listTar({
      file,
      strict: true,
      onReadEntry: (entry) => {
        if (entry.path === `${topDir}/${MARKER_FILE}`) found = true;
      },
    });
    return found;
  } catch {
    return false;
  }
}

/** Relative paths (with `/`) of every file under `root`, sorted for a reproducible tarball. */
async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/**
 * `templates/demo-dist` of this package: the nearest ancestor of this module holding the package's
 * `package.json`. Works from `src/` (tests) and from `dist/` (the published CLI) alike.
 */
function templatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'templates', 'demo-dist');
    if (existsSync(join(dir, 'package.json')) && existsSync(join(candidate, MARKER_FILE))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new OperationError('cannot find templates/demo-dist in the alluxio-mesos package', {
        hint: 'The installation is incomplete; reinstall alluxio-mesos.',
      });
    }
    dir = parent;
  }
}
