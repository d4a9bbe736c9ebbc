/**
 * systemd for the service-file tests: `systemd-analyze verify` (the Debian package `systemd`;
 * `.ci/run` installs it), and the reading of an ExecStart= line back into the argv systemd would
 * start, so a test can run exactly that.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Availability } from './ci.js';

const run = promisify(execFile);

function findOnPath(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/bin'];
  return dirs.map((dir) => path.join(dir, name)).find((candidate) => candidate !== name && existsSync(candidate));
}

export function systemdAnalyzeAvailability(): Availability {
  return findOnPath('systemd-analyze') === undefined
    ? { available: false, reason: 'no systemd-analyze on PATH; install it with: apt-get install -y systemd' }
    : { available: true };
}

export interface VerifyResult {
  readonly exitCode: number;
  readonly output: string;
  /** Output lines about this unit (warnings such as "Unknown key" do not change the exit code). */
  readonly problems: string[];
}

/** `systemd-analyze verify FILE`: exit code, output, and the lines that name the unit. */
export async function verifyUnit(file: string): Promise<VerifyResult> {
  const binary = findOnPath('systemd-analyze');
  if (binary === undefined) throw new Error('systemd-analyze is missing');
  const result = await run(binary, ['verify', file], { env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } }).then(
    ({ stdout, stderr }) => ({ exitCode: 0, output: `${stdout}${stderr}` }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      exitCode: typeof error.code === 'number' ? error.code : -1,
      output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
    }),
  );
  const unit = path.basename(file);
  const problems = result.output.split('\n').filter((line) => line.includes(unit) || line.includes(file));
  return { ...result, problems };
}

/** The value of the one `Key=` line of a unit (comments skipped); fails when there is not exactly one. */
export function unitSetting(unitText: string, key: string): string {
  const lines = unitText.split('\n').filter((line) => line.startsWith(`${key}=`));
  if (lines.length !== 1) throw new Error(`expected one ${key}= line, found ${lines.length}`);
  return (lines[0] as string).slice(key.length + 1);
}

/**
 * ExecStart= as systemd reads it, for the quoting the renderer uses: words split on blanks, double
 * quotes with `\\` and `\"` escapes, `%%` for `%` and `%d` for the credentials directory, `$$` for
 * `$`. Anything else (another specifier, a `$VAR`, single quotes) fails, so the test cannot run a
 * command line systemd would read differently.
 */
export function execStartArgv(value: string, specifiers: { credentialsDirectory: string }): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (value[i] === ' ') i += 1;
    if (i >= value.length) break;
    let word = '';
    const quoted = value[i] === '"';
    if (quoted) i += 1;
    for (; i < value.length; i += 1) {
      const c = value[i] as string;
      if (quoted && c === '"') {
        i += 1;
        break;
      }
      if (!quoted && c === ' ') break;
      if (c === '\\' && quoted) {
        const next = value[i + 1];
        if (next !== '\\' && next !== '"') throw new Error(`unexpected escape \\${next} in ${value}`);
        word += next;
        i += 1;
      } else if (c === '%') {
        const next = value[i + 1];
        if (next === '%') word += '%';
        else if (next === 'd') word += specifiers.credentialsDirectory;
        else throw new Error(`unexpected specifier %${next} in ${value}`);
        i += 1;
      } else if (c === '$') {
        if (value[i + 1] !== '$') throw new Error(`unexpected variable reference in ${value}`);
        word += '$';
        i += 1;
      } else if ((!quoted && (c === "'" || c === '"')) || c === '\\') {
        throw new Error(`unexpected ${c} in ${value}`);
      } else {
        word += c;
      }
    }
    words.push(word);
  }
  return words;
}
