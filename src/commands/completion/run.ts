/** `completion <shell>` and the hidden `__complete-tasks`. */
import type { Command } from 'commander';
import type { CommandContext } from '../../context/context.js';
import { loadSite } from '../../context/site.js';
import { openDeploymentState } from '../../context/deployment-state.js';
import { ExitCode } from '../../shared/errors.js';
import { completionSpec } from './spec.js';
import { bashScript, fishScript, zshScript } from './scripts.js';

const RENDER = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

export async function runCompletion(ctx: CommandContext, shell: keyof typeof RENDER, program: Command): Promise<number> {
  ctx.io.stdout.write(RENDER[shell](completionSpec(program)));
  return ExitCode.OK;
}

/**
 * The aliases the saved state records. Quiet on any failure: a completion must never print an
 * error into the middle of the line being typed.
 */
export async function runCompleteTasks(ctx: CommandContext): Promise<number> {
  try {
    const site = await loadSite(ctx.globals.confDir);
    const state = openDeploymentState(ctx.globals, site);
    const ledger = await state.readLedger().finally(() => state.close());
    const aliases = [...new Set((ledger?.tasks ?? []).map((task) => task.alias))].sort();
    if (aliases.length > 0) ctx.io.stdout.write(`${aliases.join('\n')}\n`);
  } catch {
    // Nothing to offer.
  }
  return ExitCode.OK;
}
