/** Which framework a command means: the flags first, then the id the last deployment saved. */
import type { FrameworkRecord } from '../mesos/client/frameworks.js';
import { NotFoundError, UsageError } from '../shared/errors.js';

export interface FrameworkChoice {
  frameworkId?: string | undefined;
  frameworkName?: string | undefined;
  /** The id saved by the last deployment. */
  savedFrameworkId?: string | undefined;
  /** What the caller wants a framework for, in the error when there is none (status shares this). */
  purpose?: string | undefined;
}

/** `--framework-id`, else `--framework-name` (the running one first), else the saved id. */
export function resolveFrameworkId(frameworks: readonly FrameworkRecord[], choice: FrameworkChoice): string {
  if (choice.frameworkId !== undefined && choice.frameworkId !== '') return choice.frameworkId;
  if (choice.frameworkName !== undefined) {
    const named = frameworks.filter((framework) => framework.name === choice.frameworkName);
    const live = named.filter((framework) => !framework.completed);
    const pick = live.length > 0 ? live : named;
    if (pick.length === 0) {
      throw new NotFoundError(`no framework named "${choice.frameworkName}" is known to the master`, {
        hint: `known: ${[...new Set(frameworks.map((framework) => framework.name))].join(', ') || 'none'}`,
      });
    }
    if (pick.length > 1) {
      throw new UsageError(
        `${pick.length} frameworks are named "${choice.frameworkName}": ${pick.map((framework) => framework.frameworkId).join(', ')}`,
        {
          hint: 'choose one with --framework-id',
        },
      );
    }
    return pick[0]!.frameworkId;
  }
  if (choice.savedFrameworkId !== undefined && choice.savedFrameworkId !== '') return choice.savedFrameworkId;
  throw new NotFoundError(`no framework to ${choice.purpose ?? 'read logs of'}`, {
    hint: 'deploy one first, or pass --framework-id or --framework-name',
  });
}
