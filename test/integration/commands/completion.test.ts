/**
 * `completion bash|zsh|fish` through the real binary and the real shells: commands, subcommands,
 * flags, flag choices, and the task aliases of the deployment in the conf dir given on the line.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from '../../helpers/cli.js';
import { ledgerPath } from '../../../src/state/files.js';
import { emptyLedger, fileLedgerStore, newLedgerTask } from '../../../src/state/ledger.js';

let root: string;
let env: Record<string, string | undefined>;
let confDir: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'am-completion-'));
  const bin = path.join(root, 'bin');
  await mkdir(bin);
  // The scripts call the program by the name it was typed as: put it on PATH.
  await writeFile(path.join(bin, 'alluxio-mesos'), `#!/bin/sh\nexec node ${BIN} "$@"\n`);
  await chmod(path.join(bin, 'alluxio-mesos'), 0o755);
  env = cleanEnv({ PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: root });
  confDir = path.join(root, 'conf');
  await mkdir(confDir);
  const ledger = emptyLedger();
  ledger.frameworkId = 'F-1';
  for (const alias of ['master-1', 'worker-1', 'worker-2']) {
    ledger.tasks.push(
      newLedgerTask({
        alias,
        role: alias.startsWith('master') ? 'master' : 'worker',
        taskId: `alluxio-${alias}.abcd`,
        agentId: 'S-1',
        hostname: '127.0.0.2',
        state: 'TASK_RUNNING',
        launchedAt: 1,
      }),
    );
  }
  await fileLedgerStore(ledgerPath(confDir)).save(ledger);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function script(shell: string): Promise<string> {
  const file = path.join(root, `completion.${shell}`);
  const result = await execa('node', [BIN, 'completion', shell], { env, extendEnv: false });
  await writeFile(file, result.stdout);
  return file;
}

/** What bash's completion function offers for the words typed (the last one being completed). */
async function bashCompletes(...words: string[]): Promise<string[]> {
  const file = await script('bash');
  const quoted = words.map((word) => `'${word}'`).join(' ');
  const program = `source '${file}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _alluxio_mesos; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = await execa('bash', ['-c', program], { env, extendEnv: false });
  return result.stdout.split('\n').filter((line) => line !== '');
}

describe('completion bash', () => {
  it('completes commands, subcommands, flags and flag choices', async () => {
    expect(await bashCompletes('alluxio-mesos', 'lo')).toEqual(['logs', 'local-cluster']);
    expect(await bashCompletes('alluxio-mesos', 'state', '')).toEqual(['migrate']);
    expect(await bashCompletes('alluxio-mesos', 'logs', '--fol')).toEqual(['--follow']);
    expect(await bashCompletes('alluxio-mesos', '--master', 'h:5050', 'deploy', '--encoding', '')).toEqual(['protobuf', 'json']);
    expect(await bashCompletes('alluxio-mesos', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
    // Hidden old spellings are not offered.
    expect(await bashCompletes('alluxio-mesos', 'init', '--mas')).not.toContain('--masters');
  });

  it('completes task aliases from the deployment named by --conf-dir', async () => {
    expect(await bashCompletes('alluxio-mesos', '--conf-dir', confDir, 'logs', 'w')).toEqual(['worker-1', 'worker-2']);
    expect(await bashCompletes('alluxio-mesos', 'status', '--conf-dir', confDir, '')).toEqual(['master-1', 'worker-1', 'worker-2']);
    // Without a deployment there is nothing to offer, and nothing is printed into the line.
    expect(await bashCompletes('alluxio-mesos', '--conf-dir', path.join(root, 'none'), 'logs', '')).toEqual([]);
  });
});

describe('completion zsh', () => {
  it('registers the completion and offers what bash offers (zsh filters by prefix itself)', async () => {
    const file = await script('zsh');
    const program = `source '${file}'; print \${+_comps[alluxio-mesos]}; COMP_WORDS=(alluxio-mesos --conf-dir '${confDir}' logs ''); COMP_CWORD=4; emulate sh -c _alluxio_mesos; print -l $COMPREPLY`;
    const result = await execa('zsh', ['-f', '-c', program], { env, extendEnv: false });
    const [registered, ...offered] = result.stdout.split('\n');
    expect(registered).toBe('1');
    expect(offered).toEqual(['master-1', 'worker-1', 'worker-2']);
  });
});

describe('completion fish', () => {
  it('completes commands, subcommands, flags and aliases through fish itself', async () => {
    const file = await script('fish');
    const complete = async (line: string): Promise<string[]> => {
      const result = await execa('fish', ['--no-config', '-c', `source '${file}'; complete -C '${line}'`], { env, extendEnv: false });
      return result.stdout
        .split('\n')
        .map((entry) => entry.split('\t')[0]!)
        .filter((entry) => entry !== '');
    };
    expect(await complete('alluxio-mesos lo')).toEqual(['local-cluster', 'logs']);
    expect(await complete('alluxio-mesos state ')).toEqual(['migrate']);
    expect(await complete('alluxio-mesos logs --fol')).toEqual(['--follow']);
    expect(await complete(`alluxio-mesos --conf-dir ${confDir} logs w`)).toEqual(['worker-1', 'worker-2']);
  });
});
