/**
 * guardProcessGroup (shared/spawn.ts): the process groups a process guards die with it even when it
 * is SIGKILLed (no handler of its own runs), through one guardian per process; a disarmed group is
 * forgotten and left alone. The guarding process is a small Node script using the built module
 * (`npm run build` first); processes are found by their working directory, never by name.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/cli.js';
import { processesUnder } from '../../helpers/processes.js';
import { waitUntil } from '../emulator/master/helpers/scheduler-client.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-group-guard-'));
});
afterEach(async () => {
  for (const pid of await processesUnder(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await rm(dir, { recursive: true, force: true });
});

/** Starts `sleep` in a new process group in `cwd` for each of `names`, guards each, disarms `disarm`, prints the pids, waits. */
function guardingScript(groups: Record<string, string>, disarm: string[]): string {
  const spawnModule = pathToFileURL(path.join(REPO_ROOT, 'dist/shared/spawn.js')).href;
  return `
    import { spawn } from 'node:child_process';
    const { guardProcessGroup } = await import(${JSON.stringify(spawnModule)});
    const groups = ${JSON.stringify(groups)};
    const disarm = new Set(${JSON.stringify(disarm)});
    const pids = {};
    for (const [name, cwd] of Object.entries(groups)) {
      const child = spawn('sleep', ['600'], { cwd, detached: true, stdio: 'ignore' });
      const guard = guardProcessGroup(child.pid);
      if (disarm.has(name)) guard.disarm();
      pids[name] = child.pid;
    }
    // The guardian has read our lines once the event loop turns; then say we are ready.
    setTimeout(() => process.stdout.write(JSON.stringify(pids) + '\\n'), 300);
    setInterval(() => undefined, 1000);
  `;
}

describe('guardProcessGroup', () => {
  it('a SIGKILLed process takes every group it guards with it, and leaves the disarmed ones', async () => {
    const names = ['a', 'b', 'c'];
    const cwds = Object.fromEntries(names.map((name) => [name, path.join(dir, name)]));
    for (const cwd of Object.values(cwds)) await execa('mkdir', ['-p', cwd]);
    const guarding = execa('node', ['--input-type=module', '-e', guardingScript(cwds, ['b'])], { reject: false });
    const ready = await new Promise<string>((resolve) => guarding.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    expect(Object.keys(JSON.parse(ready) as object)).toEqual(names);
    // The guarding script names the directories on its command line: only the sleeps count.
    const sleepersIn = async (cwd: string): Promise<number[]> => (await processesUnder(cwd)).filter((pid) => pid !== guarding.pid);
    for (const cwd of Object.values(cwds)) expect(await sleepersIn(cwd)).toHaveLength(1);

    guarding.kill('SIGKILL');
    await guarding;
    await waitUntil(
      async () => (await sleepersIn(cwds.a!)).length === 0 && (await sleepersIn(cwds.c!)).length === 0,
      10_000,
      'the guarded groups to die',
    );
    // Disarmed: no longer ours to kill.
    expect(await sleepersIn(cwds.b!)).toHaveLength(1);
  });
});
