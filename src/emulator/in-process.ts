/**
 * `--master local`: an embedded cluster started inside the CLI process, like `mesos-local`, with
 * three agents of the default size in a temporary work directory. It lives as long as the command.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalCluster } from './cluster.js';

export interface InProcessCluster {
  readonly cluster: LocalCluster;
  readonly baseUrl: string;
  readonly workDir: string;
  stop(): Promise<void>;
}

const IN_PROCESS_AGENTS = 3;

export async function startInProcessCluster(
  options: { agents?: number; workDir?: string; keepWorkDir?: boolean } = {},
): Promise<InProcessCluster> {
  const workDir = options.workDir ?? (await mkdtemp(path.join(os.tmpdir(), 'alluxio-mesos-local-')));
  const cluster = new LocalCluster({ agents: options.agents ?? IN_PROCESS_AGENTS, port: 0, workDir });
  await cluster.start();
  let stopping: Promise<void> | undefined;
  return {
    cluster,
    baseUrl: cluster.url,
    workDir,
    stop: () =>
      (stopping ??= (async () => {
        await cluster.stop();
        if (options.workDir === undefined && options.keepWorkDir !== true) await rm(workDir, { recursive: true, force: true });
      })()),
  };
}
