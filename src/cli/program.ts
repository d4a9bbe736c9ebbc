/**
 * The command tree. Command modules under `./commands/` only declare flags and help text; their
 * implementations are imported when the command runs, so `--help` and `--version` load nothing
 * heavy.
 */
import { Command, Option } from 'commander';
import type { Io } from '../ui/io.js';
import { EXIT_CODES_HELP } from '../commands/common/exit-codes-help.js';
import { resolveGlobals, type RawGlobalOptions } from '../context/context.js';
import type { Termination } from '../context/termination.js';
import type { ActionRunner } from '../commands/common/action-runner.js';
import { COMMANDS } from './command-list.js';
import { ExitCode } from '../shared/errors.js';
import { VERSION } from '../shared/version.js';

export interface ProgramResult {
  exitCode: number;
  /** Resolved globals of the command that ran, when it got that far (for error reporting). */
  verbose: boolean;
  json: boolean;
}

export function buildProgram(io: Io, result: ProgramResult, termination: Termination): Command {
  const program = new Command('alluxio-mesos');
  program
    .description('Deploy and operate Alluxio on an Apache Mesos cluster.')
    .version(VERSION, '-V, --version', 'print the version')
    .addOption(
      new Option('--master <address>', 'Mesos master: host:port, http(s)://host:port[/prefix], zk://h1:2181,h2:2181/mesos, or local').env(
        'MESOS_MASTER',
      ),
    )
    .option(
      '--conf-dir <dir>',
      'directory of alluxio-site.properties (default: $ALLUXIO_MESOS_CONF_DIR, $ALLUXIO_HOME/conf, ./conf, ~/.config/alluxio-mesos/config.json)',
    )
    .option('--json', 'machine-readable output on stdout')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .option('--verbose', 'more detail, and stack traces on errors')
    .option('-y, --yes', 'never prompt: take defaults and confirm')
    .option(
      '--timeout <duration>',
      'how long to wait for Mesos/ZooKeeper, e.g. 30s, 2m, 500ms (a bare number is milliseconds; default: 30s)',
    )
    .showHelpAfterError('(run with --help for usage)')
    // Every subcommand's help lists --master, --conf-dir, --json, ... too: its own examples use them.
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Examples:
  $ npx alluxio-mesos init
  $ alluxio-mesos check-ports --master mesos-master.example.com:5050
${EXIT_CODES_HELP}`,
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  const run: ActionRunner = async (command, action) => {
    const raw = command.optsWithGlobals() as RawGlobalOptions;
    result.verbose = raw.verbose === true;
    result.json = raw.json === true;
    const globals = resolveGlobals(raw, io);
    const code = await action({ io, globals, termination });
    result.exitCode = typeof code === 'number' ? code : ExitCode.OK;
  };

  for (const register of COMMANDS) register(program, run);
  return program;
}
