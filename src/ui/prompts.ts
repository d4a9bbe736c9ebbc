/**
 * The questions the wizard can ask, behind one small interface so that the wizard's logic can be
 * driven by a script in tests and by @inquirer/prompts on a real terminal.
 */
import type { Io } from './io.js';
import { CancelledError } from '../shared/errors.js';

export interface Choice<T extends string> {
  value: T;
  name: string;
  description?: string;
}

/** Returns undefined when the answer is acceptable, else the problem to show under the prompt. */
type AnswerCheck = (answer: string) => string | undefined;

export interface Prompter {
  input(question: { message: string; default?: string; validate?: AnswerCheck }): Promise<string>;
  select<T extends string>(question: { message: string; choices: readonly Choice<T>[]; default?: T }): Promise<T>;
  confirm(question: { message: string; default?: boolean }): Promise<boolean>;
}

/**
 * Ctrl-C inside a prompt: @inquirer raises ExitPromptError (it reads the key in raw mode); SIGTERM
 * aborts `signal`, and the prompt ends with AbortPromptError after restoring the terminal. Everything
 * else is a real failure.
 */
function rethrowCancel(signal: AbortSignal | undefined): (error: unknown) => never {
  return (error) => {
    if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) {
      const reason: unknown = signal?.reason;
      if (signal?.aborted === true && reason instanceof CancelledError) throw reason;
      throw new CancelledError('cancelled at a prompt: nothing was written');
    }
    throw error;
  };
}

export async function inquirerPrompter(io: Io, signal?: AbortSignal): Promise<Prompter> {
  const prompts = await import('@inquirer/prompts');
  const context = {
    input: io.stdin,
    output: io.stdout as NodeJS.WritableStream,
    clearPromptOnDone: false,
    ...(signal === undefined ? {} : { signal }),
  };
  const cancelled = rethrowCancel(signal);
  return {
    async input(question) {
      const validate = question.validate;
      return prompts
        .input(
          {
            message: question.message,
            ...(question.default === undefined ? {} : { default: question.default }),
            ...(validate === undefined ? {} : { validate: (value: string) => validate(value) ?? true }),
          },
          context,
        )
        .catch(cancelled);
    },
    async select(question) {
      return prompts
        .select(
          {
            message: question.message,
            choices: question.choices.map((choice) => ({ ...choice })),
            ...(question.default === undefined ? {} : { default: question.default }),
          },
          context,
        )
        .catch(cancelled);
    },
    async confirm(question) {
      return prompts
        .confirm({ message: question.message, ...(question.default === undefined ? {} : { default: question.default }) }, context)
        .catch(cancelled);
    },
  };
}
