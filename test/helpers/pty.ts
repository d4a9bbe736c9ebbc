/**
 * Drives a command inside a real pseudo-terminal using util-linux `script` (in every Debian base
 * system), so prompts see a TTY exactly as they do for a user. Answers are typed when the expected
 * text appears on the screen.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const ptyAvailable = existsSync('/usr/bin/script');

export interface PtySession {
  /** Waits until the screen output (ANSI stripped) contains `text`, then types `keys`. */
  expectAndSend(text: string | RegExp, keys: string): Promise<void>;
  waitFor(text: string | RegExp): Promise<void>;
  exit: Promise<number>;
  output(): string;
  /** Everything the terminal received, control sequences included. */
  rawOutput(): string;
}

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b[()][A-Z0-9]|\u001b[=>]/g;

export function startPty(
  command: string,
  options: { cwd: string; env: Record<string, string | undefined>; timeoutMs?: number },
): PtySession {
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: options.cwd,
    env: { ...options.env, TERM: 'xterm-256color', COLUMNS: '120', LINES: '40' } as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    raw += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timeoutMs = options.timeoutMs ?? 20_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs * 3);
  const exit = new Promise<number>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
  const screen = (): string => raw.replace(ANSI, '');
  let consumed = 0;
  const waitFor = (text: string | RegExp): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const rest = screen().slice(consumed);
        const index = typeof text === 'string' ? rest.indexOf(text) : rest.search(text);
        if (index >= 0) {
          consumed += index + 1;
          return true;
        }
        return false;
      };
      if (check()) return resolve();
      const deadline = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`timed out waiting for ${String(text)}; screen so far:\n${screen()}`));
      }, timeoutMs);
      const listener = (): void => {
        if (check()) {
          clearTimeout(deadline);
          listeners.delete(listener);
          resolve();
        }
      };
      listeners.add(listener);
    });
  return {
    waitFor,
    async expectAndSend(text, keys) {
      await waitFor(text);
      // Type once the screen has settled, as a person would: a prompt draws itself before it listens
      // to the keyboard, and on a loaded machine the gap is longer than any fixed pause.
      for (let round = 0; round < 20; round++) {
        const seen = raw.length;
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (raw.length === seen) break;
      }
      child.stdin.write(keys);
    },
    exit,
    output: screen,
    rawOutput: () => raw,
  };
}
