/**
 * `alluxio-mesos completion bash|zsh|fish`: prints the shell completion script. The hidden
 * `__complete-tasks` prints the current deployment's task aliases for those scripts.
 */
import { Argument, type Command } from 'commander';
import type { ActionRunner } from '../common/action-runner.js';
import { EXIT_CODES_HELP } from '../common/exit-codes-help.js';

export function registerCompletion(program: Command, run: ActionRunner): void {
  program
    .command('completion')
    .description('print a shell completion script: commands, flags, and task aliases of the current deployment')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      `
Examples:
  $ source <(alluxio-mesos completion bash)          # add it to ~/.bashrc to keep it
  $ source <(alluxio-mesos completion zsh)           # add it to ~/.zshrc
  $ alluxio-mesos completion fish > ~/.config/fish/completions/alluxio-mesos.fish
${EXIT_CODES_HELP}`,
    )
    .action(async (shell: 'bash' | 'zsh' | 'fish', _flags: unknown, cmd: Command) => {
      await run(cmd, async (ctx) => {
        const { runCompletion } = await import('./run.js');
        return runCompletion(ctx, shell, program);
      });
    });
  program
    .command('__complete-tasks', { hidden: true })
    .description('print the task aliases of the current deployment, one per line (for completion scripts)')
    .action(async (_flags: unknown, cmd: Command) => {
      await run(cmd, async (ctx) => {
        const { runCompleteTasks } = await import('./run.js');
        return runCompleteTasks(ctx);
      });
    });
}
