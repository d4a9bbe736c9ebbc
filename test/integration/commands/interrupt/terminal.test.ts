/**
 * Ctrl-C and SIGTERM through the real binary: in a real pseudo-terminal (util-linux `script`), while a
 * spinner or deploy's live view is on screen, the command ends with 130 and leaves the terminal as
 * it found it; a 0-column terminal gets no spinner at all; SIGTERM ends a command stuck on a dead
 * address with 143. The address that never answers is a local TCP server that accepts and says
 * nothing, and every command here runs with an hour-long --timeout: ending at all is the proof.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, REPO_ROOT, startCli } from '../../../helpers/cli.js';
import { ptyAvailable, startPty, type PtySession } from '../../../helpers/pty.js';
import { cleanup, initConf, startSandbox, type Sandbox } from '../deploy/helpers.js';
import { startSilentMaster, type SilentMaster } from './silent-master.js';

const HOUR_MS = '3600000';
const CTRL_C = '\u0003';

let silent: SilentMaster | undefined;
let sandbox: Sandbox | undefined;
let dir: string | undefined;

afterEach(async () => {
  await silent?.close();
  silent = undefined;
  if (sandbox !== undefined) await cleanup(sandbox, [], { teardown: true });
  sandbox = undefined;
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function tempDir(): Promise<string> {
  dir = await mkdtemp(path.join(tmpdir(), 'am-terminal-'));
  return dir;
}

/**
 * Runs `args` in a pty of `columns` columns, saving the terminal modes (`stty -g`) before and
 * after into `work`; the exit code is printed as EXIT=n. Ctrl-C reaches the whole foreground
 * group, the shell too: `script` runs $SHELL, and dash (Debian's /bin/sh, what CI gets without
 * SHELL) dies of it before printing EXIT. The shell's no-op trap keeps it alive; the CLI still
 * starts with the default SIGINT action, because traps are reset on exec.
 */
function inTerminal(work: string, args: readonly string[], columns: number): PtySession {
  const quoted = args.map((arg) => `'${arg}'`).join(' ');
  const script =
    `trap : INT; stty cols ${columns} rows 40; stty -g > ${work}/modes-before; ` +
    `node ${BIN} ${quoted}; echo "EXIT=$?"; stty -g > ${work}/modes-after`;
  return startPty(script, { cwd: REPO_ROOT, env: cleanEnv(), timeoutMs: 30_000 });
}

async function exitOf(session: PtySession): Promise<number> {
  await session.exit;
  const match = /EXIT=(\d+)/.exec(session.output());
  if (match === null) throw new Error(`no exit code on screen:\n${session.output()}`);
  return Number(match[1]);
}

async function expectModesRestored(work: string): Promise<void> {
  const before = await readFile(path.join(work, 'modes-before'), 'utf8');
  const after = await readFile(path.join(work, 'modes-after'), 'utf8');
  expect(before.trim()).not.toBe('');
  expect(after).toBe(before);
}

/** The cursor a spinner hid is shown again: no hide after the last show. */
function expectCursorShown(raw: string): void {
  expect(raw.lastIndexOf('\u001b[?25l')).toBeLessThan(raw.lastIndexOf('\u001b[?25h'));
}

describe.skipIf(!ptyAvailable)('Ctrl-C in a terminal', () => {
  it('check-ports waiting on an address that never answers: exit 130, terminal modes and cursor restored', async () => {
    silent = await startSilentMaster();
    const work = await tempDir();
    const session = inTerminal(work, ['check-ports', '--conf-dir', work, '--master', silent.address, '--timeout', HOUR_MS], 100);
    await silent.connected;
    // The spinner is on screen while the command waits.
    await session.waitFor(`Asking http://${silent.address} for its version`);
    await session.expectAndSend(`for its version`, CTRL_C);
    expect(await exitOf(session)).toBe(130);
    expect(session.output()).toContain('interrupted (Ctrl-C)');
    expectCursorShown(session.rawOutput());
    await expectModesRestored(work);
  });

  it('deploy with its live view on screen: exit 130, disconnected as documented, terminal restored', { timeout: 90_000 }, async () => {
    sandbox = await startSandbox({ agents: 1 });
    await initConf(sandbox, ['--max-workers', '1']);
    const work = await tempDir();
    const session = inTerminal(
      work,
      ['deploy', '--conf-dir', sandbox.confDir, '--health-check-delay', '1', '--health-check-interval', '1', '--timeout', HOUR_MS],
      100,
    );
    await session.waitFor('subscribed as framework');
    // The spinner line with the totals is what stays on screen between reports.
    await session.expectAndSend(/masters running \d\/\d/, CTRL_C);
    expect(await exitOf(session)).toBe(130);
    expect(session.output()).toContain('Disconnected from Mesos');
    expectCursorShown(session.rawOutput());
    await expectModesRestored(work);
  });

  it('a 0-column terminal gets no spinner, bounded output, and Ctrl-C still works', async () => {
    silent = await startSilentMaster();
    const work = await tempDir();
    const session = inTerminal(work, ['check-ports', '--conf-dir', work, '--master', silent.address, '--timeout', HOUR_MS], 0);
    // Once the CLI waits on the silent master, a spinner would be drawing (before the fix: forever,
    // computing infinitely many lines to clear, so it never even connected).
    await silent.connected;
    await session.expectAndSend('', CTRL_C);
    expect(await exitOf(session)).toBe(130);
    expect(session.output()).not.toContain('Asking');
    expect(session.rawOutput().length).toBeLessThan(2_000);
    await expectModesRestored(work);
  });
});

describe('SIGTERM', () => {
  it('ends check-ports waiting on an address that never answers with 143', async () => {
    silent = await startSilentMaster();
    const work = await tempDir();
    const child = startCli(['check-ports', '--conf-dir', work, '--master', silent.address, '--timeout', HOUR_MS], { stdin: 'ignore' });
    await silent.connected;
    child.kill('SIGTERM');
    const result = await child;
    // Handled by the CLI (an exit code), not the default death by signal.
    expect(result.signal).toBeUndefined();
    expect(result.exitCode).toBe(143);
    expect(result.stderr).toContain('terminated (SIGTERM)');
  });
});
