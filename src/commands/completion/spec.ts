/**
 * What the shell completion scripts complete, read from the command tree itself, so a new command
 * or flag completes without anyone touching the scripts.
 */
import type { Command, Option } from 'commander';

export interface CompletionFlag {
  /** `--lines`, `-n` */
  names: string[];
  /** The flag takes a value (the next word is not a command). */
  takesValue: boolean;
  /** Its values, when commander knows them (`--encoding protobuf|json`). */
  choices: string[];
}

interface CompletionCommand {
  /** `logs`, `state migrate`. */
  path: string;
  flags: CompletionFlag[];
  /** The first argument is a task of the current deployment (`logs worker-3`, `status worker-3`). */
  completesTasks: boolean;
  /** The first argument's values, when commander knows them (`completion bash|zsh|fish`). */
  argumentChoices: string[];
}

export interface CompletionSpec {
  program: string;
  globalFlags: CompletionFlag[];
  commands: CompletionCommand[];
}

/** Commands whose first argument names a task. */
const TASK_COMMANDS = new Set(['logs', 'status']);

export function completionSpec(program: Command): CompletionSpec {
  const commands: CompletionCommand[] = [];
  const visit = (command: Command, prefix: string): void => {
    for (const sub of command.commands) {
      if (isHidden(sub)) continue;
      const path = prefix === '' ? sub.name() : `${prefix} ${sub.name()}`;
      if (sub.commands.length > 0) visit(sub, path);
      else {
        commands.push({
          path,
          flags: flagsOf(sub.options),
          completesTasks: TASK_COMMANDS.has(path),
          argumentChoices: sub.registeredArguments[0]?.argChoices ?? [],
        });
      }
    }
  };
  visit(program, '');
  return { program: program.name(), globalFlags: [...flagsOf(program.options), longFlag('--help', false)], commands };
}

function flagsOf(options: readonly Option[]): CompletionFlag[] {
  return options
    .filter((option) => !option.hidden)
    .map((option) => ({
      names: [option.long, option.short].filter((name): name is string => name !== undefined),
      takesValue: option.required || option.optional,
      choices: option.argChoices ?? [],
    }));
}

function longFlag(name: string, takesValue: boolean): CompletionFlag {
  return { names: [name], takesValue, choices: [] };
}

function isHidden(command: Command): boolean {
  // commander keeps `{ hidden: true }` in a private field; the name convention is ours.
  return command.name().startsWith('__');
}
