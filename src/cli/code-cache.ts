/**
 * A V8 code cache for the bundled CLI (dist/bundle/): every command start compiles ~500 KB of
 * JavaScript, which costs as much as Node's own start-up. Node 22 has `module.enableCompileCache`
 * for this; Node 20 does not, so on Node 20 the bundle's CommonJS chunks are compiled through
 * `vm.Script` with the bytes V8 produced the last time (`cachedData`), and chunks compiled without
 * usable bytes get theirs written once the command has run a moment (V8 then includes the functions
 * that ran, not only the top level).
 *
 * A code cache is code: V8 checks only its version, flags and the source's length, not a checksum.
 * So it lives only in a directory that this user alone owns and can write
 * (`$XDG_CACHE_HOME/alluxio-mesos` or `~/.cache/alluxio-mesos`, mode 0700), anything else turns the
 * cache off, files are named by the chunk's size and modification time and written whole (a
 * temporary file, then rename). `NODE_DISABLE_COMPILE_CACHE=1` (Node's own switch) turns it off.
 * Every failure here falls back to Node's ordinary loading: the cache can only make a start faster.
 *
 * Loaded by bin/alluxio-mesos.js before the bundle itself, so this file imports only Node built-ins.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

/** How long a command runs before the bytes of its freshly compiled chunks are written. */
const WRITE_AFTER_MS = 1000;
const CACHE_EXTENSION = '.v8cache';
/** A temporary file this old was left by a process that died while writing it. */
const ABANDONED_AFTER_MS = 10 * 60_000;

/** What a start did (the integration tests read it). */
export interface CodeCacheReport {
  readonly directory: string | undefined;
  /** Chunks compiled from cached bytes. */
  fromCache: number;
  /** Chunks compiled from source (no bytes yet, or V8 refused them). */
  compiled: number;
  /** Cache files written so far. */
  written: number;
}

interface LoadingModule {
  exports: unknown;
  require(id: string): unknown;
}
type Compile = (this: LoadingModule, content: string, filename: string) => unknown;
type ModuleInternals = typeof Module & {
  prototype: { _compile: Compile };
  wrap(source: string): string;
  _resolveFilename(request: string, parent: LoadingModule, isMain: boolean, options?: unknown): string;
  _cache: unknown;
  enableCompileCache?: (directory: string) => unknown;
};

/**
 * Serves the CommonJS files of `bundleDirectory` from the code cache, from now on in this process.
 * Returns what it did (counts grow as chunks load).
 */
export function enableCodeCache(bundleDirectory: string, env: NodeJS.ProcessEnv = process.env): CodeCacheReport {
  const report: CodeCacheReport = { directory: undefined, fromCache: 0, compiled: 0, written: 0 };
  if (isSet(env.NODE_DISABLE_COMPILE_CACHE)) return report;
  const internals = Module as ModuleInternals;
  const directory = privateCacheDirectory(env);
  if (directory === undefined) return report;
  if (typeof internals.enableCompileCache === 'function') {
    internals.enableCompileCache(directory);
    return { ...report, directory };
  }
  if (typeof internals.prototype._compile !== 'function') return report;
  const prefix = path.resolve(bundleDirectory) + path.sep;
  // One directory per Node version and per installed copy, so two copies never evict each other's files.
  const versioned = path.join(directory, `${process.version}-${process.arch}-${fnv1a(prefix)}`);
  if (!ensurePrivateDirectory(versioned)) return report;
  const cached: CodeCacheReport = { ...report, directory: versioned };

  const fresh: Array<{ script: vm.Script; file: string }> = [];
  const ordinaryCompile = internals.prototype._compile;
  internals.prototype._compile = function compileWithCache(this: LoadingModule, content: string, filename: string) {
    if (!filename.startsWith(prefix)) return ordinaryCompile.call(this, content, filename);
    let script: vm.Script;
    let file: string;
    try {
      file = path.join(versioned, cacheFileName(filename));
      const cachedData = readIfPresent(file);
      // No importModuleDynamically: Node 20 loses it for a script compiled from cached bytes, so the
      // bundle holds no import() (scripts/bundle.mjs makes sure).
      script = new vm.Script(internals.wrap(content), { filename, cachedData });
      if (cachedData === undefined || script.cachedDataRejected === true) {
        fresh.push({ script, file });
        cached.compiled++;
      } else {
        cached.fromCache++;
      }
    } catch {
      return ordinaryCompile.call(this, content, filename);
    }
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, requireFor(this, internals), this, filename, path.dirname(filename));
  };

  const writeFresh = () => {
    if (fresh.length === 0) return;
    for (const { script, file } of fresh.splice(0)) {
      if (writeWhole(file, script.createCachedData())) cached.written++;
    }
    pruneStale(versioned, prefix);
  };
  setTimeout(writeFresh, WRITE_AFTER_MS).unref();
  process.once('exit', writeFresh);
  return cached;
}

/** A short, stable name for a path (FNV-1a, 32 bits): not a secret, only a directory name. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0';
}

/** `$XDG_CACHE_HOME/alluxio-mesos` (an absolute path only, as the spec says) or `~/.cache/alluxio-mesos`. */
function privateCacheDirectory(env: NodeJS.ProcessEnv): string | undefined {
  try {
    const xdg = env.XDG_CACHE_HOME;
    const base = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(env.HOME ?? homedir(), '.cache');
    const directory = path.join(base, 'alluxio-mesos');
    return ensurePrivateDirectory(directory) ? directory : undefined;
  } catch {
    return undefined;
  }
}

/** Creates `directory` (0700) if needed; true only if it is a real directory of this user that no one else can enter. */
function ensurePrivateDirectory(directory: string): boolean {
  try {
    let stat = lstatOrUndefined(directory);
    if (stat === undefined) {
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      stat = lstatSync(directory);
    }
    const uid = process.getuid?.();
    return stat.isDirectory() && (uid === undefined || stat.uid === uid) && (stat.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

function lstatOrUndefined(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

/** The cache file of a chunk: its name, size and modification time, so that a rebuilt chunk never meets old bytes. */
function cacheFileName(filename: string): string {
  const stat = statSync(filename);
  return `${path.basename(filename)}-${stat.size}-${Math.trunc(stat.mtimeMs)}${CACHE_EXTENSION}`;
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes a temporary file (0600) and renames it over `file`, so no reader ever sees part of one. */
function writeWhole(file: string, bytes: Buffer): boolean {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, bytes, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, file);
    return true;
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // never created
    }
    return false;
  }
}

/**
 * Removes the cache files of chunks that no longer exist as they were (a rebuild names them anew),
 * and temporary files that a process killed while writing left behind.
 */
function pruneStale(directory: string, bundlePrefix: string): void {
  try {
    for (const entry of readdirSync(directory)) {
      if (entry.endsWith('.tmp')) {
        removeIfOlderThan(path.join(directory, entry), ABANDONED_AFTER_MS);
        continue;
      }
      if (!entry.endsWith(CACHE_EXTENSION)) continue;
      const chunk = entry.slice(0, entry.lastIndexOf('-', entry.lastIndexOf('-') - 1));
      let current: string | undefined;
      try {
        current = cacheFileName(bundlePrefix + chunk);
      } catch {
        current = undefined;
      }
      if (current !== entry) unlinkSync(path.join(directory, entry));
    }
  } catch {
    // Another process pruned first, or the directory went away: nothing to do.
  }
}

function removeIfOlderThan(file: string, ageMs: number): void {
  try {
    if (Date.now() - statSync(file).mtimeMs > ageMs) unlinkSync(file);
  } catch {
    // Renamed or removed meanwhile.
  }
}

/** The `require` a CommonJS module gets: resolution relative to the module, as Node's own. */
function requireFor(module: LoadingModule, internals: ModuleInternals) {
  const require = (id: string) => module.require(id);
  require.resolve = (request: string, options?: unknown) => internals._resolveFilename(request, module, false, options);
  require.cache = internals._cache;
  require.main = process.mainModule;
  return require;
}
