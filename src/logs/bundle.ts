/**
 * `--bundle out.tar.gz`: every sandbox file of the chosen tasks, fetched whole with
 * `/files/download` (streamed to disk, never held in memory), plus the framework's own
 * `framework.out`, packed with `tar` into one gzipped archive laid out as
 * `<task>/<path in sandbox>` and `framework.out` at the top.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, copyFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileExistsError, publishFile, temporaryPath } from '../shared/atomic-file.js';
import { OperationError, UsageError } from '../shared/errors.js';
import { listRecursive } from './file-selection.js';
import { SandboxFileMissingError, sandboxChild, type SandboxFiles } from './files-client.js';

interface BundleTask {
  /** Directory name in the archive: the alias, else the task id. */
  label: string;
  files: SandboxFiles;
  /** Sandbox path for the files API. */
  sandbox: string;
}

export interface BundleProgress {
  bytesDone: number;
  /** Sum of the listed sizes (files may grow while they are fetched). */
  bytesTotal: number;
  /** `worker-3/logs/worker.log` */
  current: string;
}

export interface BundleOptions {
  output: string;
  /** Replace an existing `output` (`--force`); without it an existing file is refused. */
  force?: boolean;
  tasks: readonly BundleTask[];
  /** Local files to add at the top of the archive, e.g. `framework.out`. */
  extraFiles?: ReadonlyArray<{ name: string; localPath: string }>;
  onProgress?: (progress: BundleProgress) => void;
  signal?: AbortSignal;
  /** Where the staging directory goes; default the OS temp dir. */
  tmpDir?: string;
}

export interface BundleResult {
  /** Archive members, in order. */
  members: string[];
  bytes: number;
  /** What could not be included, and why (a vanished file, an unreachable agent). */
  skipped: Array<{ name: string; reason: string }>;
}

export async function writeBundle(options: BundleOptions): Promise<BundleResult> {
  await checkBundleOutput(options.output, { force: options.force === true });
  const staging = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'alluxio-mesos-bundle-'));
  try {
    const members: string[] = [];
    const skipped: BundleResult['skipped'] = [];
    const plans: Array<{ task: BundleTask; name: string; size: number }> = [];
    const labels = uniqueLabels(options.tasks.map((task) => task.label));

    for (const [i, task] of options.tasks.entries()) {
      try {
        const entries = await listRecursive(task.files, task.sandbox, '', options.signal);
        for (const entry of entries)
          if (!entry.directory) plans.push({ task: { ...task, label: labels[i]! }, name: entry.name, size: entry.size });
      } catch (error) {
        if (options.signal?.aborted === true) throw error;
        skipped.push({ name: `${labels[i]!}/`, reason: describe(error) });
      }
    }
    if (options.tasks.length > 0 && skipped.length === options.tasks.length) {
      throw new OperationError(`no sandbox could be read: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}`);
    }

    const progress: BundleProgress = { bytesDone: 0, bytesTotal: plans.reduce((sum, plan) => sum + plan.size, 0), current: '' };
    for (const plan of plans) {
      const member = `${plan.task.label}/${plan.name}`;
      progress.current = member;
      options.onProgress?.({ ...progress });
      const target = join(staging, member);
      await mkdir(dirname(target), { recursive: true });
      try {
        const download = await plan.task.files.download(sandboxChild(plan.task.sandbox, plan.name), options.signal);
        const counter = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            progress.bytesDone += chunk.length;
            options.onProgress?.({ ...progress });
            callback(null, chunk);
          },
        });
        try {
          await pipeline(download.body, counter, createWriteStream(target), { signal: options.signal });
        } finally {
          download.close();
        }
        members.push(member);
      } catch (error) {
        if (options.signal?.aborted === true) throw error;
        if (!(error instanceof SandboxFileMissingError)) throw error;
        await rm(target, { force: true });
        skipped.push({ name: member, reason: 'vanished while the bundle was made' });
      }
    }
    for (const extra of options.extraFiles ?? []) {
      try {
        await stat(extra.localPath);
      } catch {
        skipped.push({ name: extra.name, reason: `${extra.localPath} does not exist` });
        continue;
      }
      await mkdir(dirname(join(staging, extra.name)), { recursive: true });
      await copyFile(extra.localPath, join(staging, extra.name));
      members.push(extra.name);
    }
    if (members.length === 0)
      throw new OperationError('nothing to bundle: no file could be fetched', {
        hint: skipped.map((s) => `${s.name}: ${s.reason}`).join('; '),
      });

    // Packed beside the output under a temporary name, then published: an interrupted bundle never
    // leaves half an archive, and a file that appeared meanwhile is not replaced without --force.
    const temp = temporaryPath(resolve(options.output));
    try {
      // tar loads here, not with the module: every `logs` command imports this one (~12 ms of start-up).
      const { create: createTar } = await import('tar');
      await createTar({ gzip: true, file: temp, cwd: staging, portable: true }, members);
      const bytes = (await stat(temp)).size;
      await publishFile(temp, resolve(options.output), { replace: options.force === true });
      return { members, bytes, skipped };
    } finally {
      await rm(temp, { force: true });
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Before any download, and before the master is even asked: the archive is written last, and a
 * typo in its path should not cost the wait (nor end in an internal error from the tar writer). An
 * existing file is never replaced without `force`: `--bundle conf/alluxio-site.properties` must not
 * turn the configuration into a tar.gz.
 */
export async function checkBundleOutput(output: string, options: { force: boolean }): Promise<void> {
  const target = resolve(output);
  const directory = dirname(target);
  const kind = async (file: string): Promise<'directory' | 'other' | 'missing'> => {
    try {
      return (await stat(file)).isDirectory() ? 'directory' : 'other';
    } catch {
      return 'missing';
    }
  };
  if ((await kind(directory)) !== 'directory')
    throw new UsageError(`cannot write ${output}: ${directory} is not a directory`, {
      hint: 'create it first, or give --bundle a path in an existing directory',
    });
  const existing = await kind(target);
  if (existing === 'directory')
    throw new UsageError(`cannot write ${output}: it is a directory`, {
      hint: `give --bundle a file name, e.g. ${join(output, 'alluxio-logs.tar.gz')}`,
    });
  if (existing === 'other' && !options.force) throw fileExistsError(output);
}

/** `[#####-----] 52% 13.1 MiB / 25.0 MiB worker-3/logs/worker.log`, for a TTY. */
export function progressLine(progress: BundleProgress, width = 24): string {
  const ratio = progress.bytesTotal === 0 ? 1 : Math.min(1, progress.bytesDone / progress.bytesTotal);
  const filled = Math.round(ratio * width);
  const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const percent = `${String(Math.round(ratio * 100)).padStart(3)}%`;
  return `${bar} ${percent} ${mib(progress.bytesDone)} / ${mib(progress.bytesTotal)} ${progress.current}`;
}

function uniqueLabels(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const safe = label.replace(/[/\\]/g, '_').replace(/^\.+$/, '_') || '_';
    const count = (seen.get(safe) ?? 0) + 1;
    seen.set(safe, count);
    return count === 1 ? safe : `${safe}.${count}`;
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
