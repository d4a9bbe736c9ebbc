/**
 * `alluxio-mesos logs`: flags and help only.
 */
import type { Command } from 'commander';
import type { ActionRunner } from '../common/action-runner.js';
import { EXIT_CODES_HELP } from '../common/exit-codes-help.js';
import { addConnectionOptions } from '../common/connection-options.js';
import type { LogsFlags } from './run.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function registerLogs(program: Command, run: ActionRunner): void {
  const command = program
    .command('logs')
    .argument('[task]', 'alias (master-1, worker-3), task id, or a unique prefix or part of one')
    .description('print the sandbox logs of an Alluxio task: stdout, stderr and logs/ from its Mesos agent');
  addConnectionOptions(command)
    .option('-n, --lines <n>', 'last N lines of each file, or "all" (default 50)')
    .option('--file <name>', 'a sandbox file to read (repeatable): stdout, stderr, logs/worker.log, ...', collect)
    .option('--stdout', 'only stdout')
    .option('--stderr', 'only stderr')
    .option('-f, --follow', 'keep printing new lines (Ctrl-C stops)')
    .option('--until-exit', 'with --follow: stop once the task has ended and its files are idle')
    .option('--list', 'list the sandbox files with sizes and times')
    .option('--bundle <file.tar.gz>', 'write every sandbox file (and framework.out) into one archive')
    .option('--all-tasks', 'with --bundle: every task of the framework')
    .option('--force', 'with --bundle: replace an existing file')
    .option('--completed', 'also consider tasks that have ended')
    .option('--previous', 'the run of the alias before the newest one (after a relaunch: the run that died)')
    .option('--run <n>', 'the Nth run of the alias, oldest first, from 1')
    .option('--all-matches', 'when several tasks match, list them all')
    .option('--framework-id <id>', 'another framework than the one saved by deploy')
    .option('--framework-name <name>', 'the framework with this name')
    .addHelpText(
      'after',
      `
Examples:
  $ alluxio-mesos logs worker-3
  $ alluxio-mesos logs master-1 --file logs/master.log --lines 200
  $ alluxio-mesos logs worker-2 --stderr --follow     # follows worker-2 across relaunches
  $ alluxio-mesos logs worker-2 --previous --stderr  # why the last run died
  $ alluxio-mesos logs alluxio-worker-3.6f1c --completed --list
  $ alluxio-mesos logs --all-tasks --bundle alluxio-logs.tar.gz
  $ alluxio-mesos logs worker-1 --json | jq -r .line
${EXIT_CODES_HELP}`,
    )
    .action(async (task: string | undefined, flags: LogsFlags, cmd: Command) => {
      await run(cmd, async (ctx) => {
        const { runLogs } = await import('./run.js');
        return runLogs(ctx, task, flags);
      });
    });
}
