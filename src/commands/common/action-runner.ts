/** How a command's action is run: with its context resolved from the global flags, exit code recorded. */
import type { Command } from 'commander';
import type { CommandContext } from '../../context/context.js';

/** Runs one command implementation with its context; returns its exit code. */
export type ActionRunner = (command: Command, action: (ctx: CommandContext) => Promise<number | void>) => Promise<void>;

/** Each command module exports one registrar: it declares the flags and help, and wires the runner. */
export type CommandRegistrar = (program: Command, run: ActionRunner) => void;
