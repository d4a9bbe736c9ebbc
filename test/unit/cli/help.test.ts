/** Every command's --help, in-process: its own options, the global ones, and the exit codes. */
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/main.js';
import { noTermination } from '../../../src/context/termination.js';
import { testIo } from '../../helpers/test-io.js';

const COMMANDS = ['init', 'check-ports', 'deploy', 'status', 'logs', 'teardown', 'local-cluster', 'state migrate'];
const GLOBAL_FLAGS = ['--master <address>', '--conf-dir <dir>', '--json', '--no-color', '--verbose', '--yes', '--timeout <ms>'];

describe('--help of every command', () => {
  it.each(COMMANDS)('%s lists the global options', async (command) => {
    const io = testIo();
    const code = await main([...command.split(' '), '--help'], io, noTermination());
    expect(code).toBe(0);
    const help = io.stdoutText();
    expect(help).toContain('Global Options:');
    for (const flag of GLOBAL_FLAGS) expect(help).toContain(flag);
  });
});
