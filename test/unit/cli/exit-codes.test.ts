/** One exit-code table for every command: each --help and the README print the same rows. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/main.js';
import { noTermination } from '../../../src/context/termination.js';
import { EXIT_CODE_TABLE, ExitCode } from '../../../src/shared/errors.js';
import { testIo } from '../../helpers/test-io.js';

const COMMANDS = [
  '',
  'init',
  'check-ports',
  'deploy',
  'status',
  'logs',
  'teardown',
  'local-cluster',
  'state migrate',
  'version',
  'completion',
];

function helpRows(help: string): { code: number; meaning: string }[] {
  const section = help.slice(help.indexOf('Exit codes:'));
  return [...section.matchAll(/^ {2}(\d+) +(.+)$/gm)].map((row) => ({ code: Number(row[1]), meaning: row[2]!.trim() }));
}

function readmeRows(): { code: number; meaning: string }[] {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Exit codes'));
  return [...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((row) => ({ code: Number(row[1]), meaning: row[2]!.replace(/`/g, '') }));
}

describe('exit codes', () => {
  it('every code the errors use has one row, in order', () => {
    expect(EXIT_CODE_TABLE.map((row) => row.code)).toEqual(Object.values(ExitCode));
  });

  it('the README lists the same codes with the same meanings', () => {
    expect(readmeRows()).toEqual(EXIT_CODE_TABLE);
  });

  it.each(COMMANDS)('`%s --help` ends with the same table', async (command) => {
    const io = testIo();
    const code = await main([...command.split(' ').filter((word) => word !== ''), '--help'], io, noTermination());
    expect(code).toBe(0);
    expect(helpRows(io.stdoutText())).toEqual(EXIT_CODE_TABLE);
  });
});
