/**
 * Checks what can be checked before anything is launched, so a broken distribution fails in the
 * terminal with a clear message instead of as a crash loop on every agent: the tarball URL answers
 * (HEAD), and a tarball that can be read from here (file:// or loopback) holds an Alluxio layout.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OperationError, UsageError } from '../../shared/errors.js';
import type { MesosMasterClient } from '../../mesos/client/master-client.js';
import {
  MINIMUM_MESOS_VERSION,
  V1_SCHEDULER_MINIMUM_MESOS_VERSION,
  formatVersion,
  versionAtLeast,
  type MesosVersion,
} from '../../mesos/client/version.js';
import { httpRequest, openHttpRequest } from '../../shared/http-request.js';
import { isLoopbackHost } from '../../shared/loopback.js';
import type { AlluxioDistribution } from '../launch/launch-command.js';

const CONFIG_SCRIPT = 'libexec/alluxio-config.sh';

export interface PreflightResult {
  checked: string[];
  warnings: string[];
}

export async function preflightDistribution(
  distribution: AlluxioDistribution,
  options: { masterIsLocal: boolean; timeoutMs: number },
): Promise<PreflightResult> {
  const checked: string[] = [];
  const warnings: string[] = [];
  if (distribution.kind === 'local') {
    // The agents' file systems are only ours when the cluster runs on this machine.
    if (options.masterIsLocal) {
      const script = path.join(distribution.home, CONFIG_SCRIPT);
      if (!(await exists(script))) {
        throw new UsageError(`${distribution.home} is not an Alluxio installation (no ${CONFIG_SCRIPT})`, {
          hint: 'pass --alluxio-home with the directory Alluxio is installed in on every agent',
        });
      }
      checked.push(`${script} exists`);
    } else {
      warnings.push(`cannot check ${distribution.home} on the agents from here; it must hold Alluxio on every agent`);
    }
    return { checked, warnings };
  }
  const url = new URL(distribution.url);
  if (url.protocol === 'file:') {
    const file = fileURLToPath(url);
    if (!(await exists(file))) throw new UsageError(`the Alluxio tarball ${file} does not exist`, { hint: 'fix --jar-url' });
    await checkTarballLayout(() => createReadStream(file), distribution.url);
    checked.push(`${file} holds an Alluxio distribution`);
    if (!options.masterIsLocal) warnings.push(`${distribution.url} must be readable at the same path on every agent`);
    return { checked, warnings };
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    const status = await headStatus(url, options.timeoutMs);
    if (status < 200 || status >= 400) {
      throw new UsageError(`the Alluxio tarball URL answered ${status}: ${distribution.url}`, {
        hint: 'fix --jar-url (the agents fetch this URL)',
      });
    }
    checked.push(`${distribution.url} answers ${status}`);
    if (isLoopbackHost(url.hostname)) {
      await checkTarballLayout(() => download(url, options.timeoutMs), distribution.url);
      checked.push(`${distribution.url} holds an Alluxio distribution`);
    }
    return { checked, warnings };
  }
  warnings.push(`${url.protocol}// URLs are fetched by the agents; not checked from here`);
  return { checked, warnings };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** The top directory must be `alluxio` or `alluxio-<version>` and contain the config script. */
async function checkTarballLayout(open: () => NodeJS.ReadableStream | Promise<NodeJS.ReadableStream>, label: string): Promise<void> {
  const entries: string[] = [];
  try {
    const source = await open();
    // Loaded here: only a tarball distribution readable from this machine needs it.
    const { list } = await import('tar');
    await new Promise<void>((resolve, reject) => {
      const parser = list({ onReadEntry: (entry) => entries.push(entry.path) });
      source.on('error', reject);
      parser.on('error', reject);
      parser.on('end', resolve);
      (parser as unknown as NodeJS.EventEmitter).on('close', resolve);
      source.pipe(parser as unknown as NodeJS.WritableStream);
    });
  } catch (error) {
    throw new UsageError(`${label} is not a readable tar archive (${(error as Error).message})`, {
      hint: 'point --jar-url at an Alluxio -bin.tar.gz',
    });
  }
  const tops = new Set(entries.map((entry) => entry.replace(/^\.\//, '').split('/')[0]).filter((top) => top !== undefined && top !== ''));
  const home = [...tops].find(
    (top) => /^alluxio(-.+)?$/.test(top ?? '') && entries.some((entry) => entry.replace(/^\.\//, '') === `${top}/${CONFIG_SCRIPT}`),
  );
  if (home === undefined) {
    throw new UsageError(
      `${label} does not hold an Alluxio distribution (no alluxio*/${CONFIG_SCRIPT}; top directories: ${[...tops].join(', ') || 'none'})`,
      {
        hint: 'use an Alluxio -bin.tar.gz whose top directory is alluxio or alluxio-<version>',
      },
    );
  }
}

/*
 * The tarball is served by any web server, not by a Mesos master, so these requests use the bare
 * request primitive and not the Mesos client's transport: its rules would be wrong here (a 307 taken
 * for a leader redirect and made sticky, a 503 waited out as a leader election, 401/403 reported as
 * rejected Mesos credentials, and those credentials sent to a third-party server).
 */

/** The status a HEAD of the URL answers; a URL that does not answer within `timeoutMs` is a usage error. */
async function headStatus(url: URL, timeoutMs: number): Promise<number> {
  try {
    return (await httpRequest({ url, method: 'HEAD', timeoutMs })).status;
  } catch (error) {
    throw new UsageError(`the Alluxio tarball URL does not answer: ${url.toString()} (${(error as Error).message})`, {
      hint: 'fix --jar-url',
    });
  }
}

/** The tarball's bytes as they arrive: its head within `timeoutMs`, the rest at the server's pace. */
async function download(url: URL, timeoutMs: number): Promise<NodeJS.ReadableStream> {
  const answer = await openHttpRequest({ url, timeoutMs });
  answer.untimed();
  return answer.body;
}

/**
 * Which scheduler transport deploy uses (`--transport`): the v1 HTTP API from 0.28.0 (stream ids),
 * the scheduler driver's libprocess protocol before it; `auto` picks by the master's version. The
 * version is asked with a budget of its own: a master refusing connections is retried by the
 * first subscription, which must keep the first contact's --timeout for itself (and report the
 * refusal as its last failure). A master that cannot be asked now gets v1 under `auto`, as it
 * always did. `signal` ends the wait (Ctrl-C, --timeout, a lost lease) with its reason.
 */
const VERSION_CHECK_MS = 1_000;

export type SchedulerTransport = 'v1' | 'legacy';

export interface TransportChoice {
  readonly transport: SchedulerTransport;
  /** The master's version, when it told it. */
  readonly version: MesosVersion | undefined;
}

export async function chooseSchedulerTransport(
  master: Pick<MesosMasterClient, 'getVersion' | 'baseUrl'>,
  requested: SchedulerTransport | 'auto',
  signal: AbortSignal | undefined,
): Promise<TransportChoice> {
  let version: MesosVersion | undefined;
  const budget = AbortSignal.timeout(VERSION_CHECK_MS);
  try {
    version = (await master.getVersion({ signal: signal === undefined ? budget : AbortSignal.any([signal, budget]) })).version;
  } catch (error) {
    if (signal?.aborted === true) throw error;
  }
  if (version !== undefined && !versionAtLeast(version, MINIMUM_MESOS_VERSION)) {
    throw new OperationError(
      `the Mesos master at ${master.baseUrl} runs Mesos ${formatVersion(version)}; deploy needs Mesos ${MINIMUM_MESOS_VERSION} or later`,
      { hint: 'upgrade the Mesos masters' },
    );
  }
  if (requested === 'legacy') return { transport: 'legacy', version };
  const v1 = version === undefined || versionAtLeast(version, V1_SCHEDULER_MINIMUM_MESOS_VERSION);
  if (requested === 'auto') return { transport: v1 ? 'v1' : 'legacy', version };
  if (v1) return { transport: 'v1', version };
  throw new OperationError(
    `the Mesos master at ${master.baseUrl} runs Mesos ${formatVersion(version as MesosVersion)}; the v1 HTTP scheduler API needs Mesos ${V1_SCHEDULER_MINIMUM_MESOS_VERSION} or later`,
    { hint: "--transport legacy (or auto) speaks the scheduler driver's protocol to older masters" },
  );
}
