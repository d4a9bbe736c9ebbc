/** Every command's --help, in-process: its own options, the global ones, and the exit codes. */
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/main.js';
import { noTermination } from '../../../src/context/termination.js';
import { testIo } from '../../helpers/test-io.js';

const COMMANDS = ['init', 'check-ports', 'deploy', 'status', 'logs', 'teardown', 'local-cluster', 'state migrate', 'version', 'completion'];
const GLOBAL_FLAGS = ['--master <address>', '--conf-dir <dir>', '--json', '--no-color', '--verbose', '--yes', '--timeout <duration>'];

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

describe('one name per concept', () => {
  // `--master` is the Mesos master; `--master-*` the Alluxio master task; `--framework-name` everywhere.
  it.each([
    ['init', ['--master-count <n>', '--master-host <host>'], ['--masters', '--alluxio-master']],
    ['deploy', ['--master-host <host>', '--framework-name <name>', '--failover-timeout <duration>'], ['--alluxio-master', '--name <name>']],
    ['teardown', ['--framework-id <id>', '--framework-name <name>'], []],
    ['status', ['--framework-name <name>', '--interval <duration>'], []],
    ['logs', ['--framework-name <name>'], []],
  ])('%s --help shows the current spellings and hides the old ones', async (command, shown, hidden) => {
    const io = testIo();
    expect(await main([command, '--help'], io, noTermination())).toBe(0);
    for (const flag of shown) expect(io.stdoutText()).toContain(flag);
    for (const flag of hidden) expect(io.stdoutText()).not.toMatch(new RegExp(`${flag}\\b(?!-)`));
  });

  it('deploy refuses --framework-name and --name that differ (exit 2)', async () => {
    const io = testIo();
    const code = await main(
      ['--master', '127.0.0.1:1', 'deploy', '--framework-name', 'a', '--name', 'b', '--dry-run'],
      io,
      noTermination(),
    );
    expect(code).toBe(2);
    expect(io.stderrText()).toContain('--framework-name "a" and --name "b" differ');
  });
});
