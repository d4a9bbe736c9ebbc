/** `alluxio-mesos scale --workers N`: a new worker count for the running scheduler. */
import type { CommandContext } from '../../context/context.js';
import { UsageError } from '../../shared/errors.js';
import { applyChange, type ChangeFlags } from '../common/desired-change.js';

export interface ScaleFlags extends ChangeFlags {
  workers?: string;
}

export async function runScale(ctx: CommandContext, flags: ScaleFlags): Promise<number> {
  if (flags.workers === undefined) throw new UsageError('scale needs --workers <n>', { hint: 'e.g. alluxio-mesos scale --workers 5' });
  if (!/^\d+$/.test(flags.workers.trim())) {
    throw new UsageError(`--workers "${flags.workers}" must be a whole number (0 or more)`, { hint: 'e.g. --workers 5' });
  }
  const workers = Number(flags.workers.trim());
  return applyChange(ctx, flags, `scale to ${workers} worker(s)`, (current) => ({
    ...current,
    workers,
    restart: [],
    source: 'scale',
  }));
}
