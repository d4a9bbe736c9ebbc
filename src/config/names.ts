/**
 * The rule for names the CLI hands to Mesos and shows back in every table: the framework name
 * (`deploy --name`) and the task names (`alluxio.integration.mesos.{master,worker}.name`).
 * Mesos sets no limit, but a name is shown in the web UI, in `status` and in every agent's
 * sandbox path listing: an empty one is invisible, a control character garbles the terminal,
 * and 100,000 characters make every line unreadable.
 */
import { UsageError } from '../shared/errors.js';
import { printable } from '../shared/printable.js';

const MAX_NAME_LENGTH = 256;

/** What is wrong with a name and how to fix it, or undefined for a good one. */
export function nameProblem(value: string): { problem: string; fix: string } | undefined {
  const fix = `use a short name of printable characters, e.g. alluxio (at most ${MAX_NAME_LENGTH})`;
  if (value.trim() === '') return { problem: 'the name is empty', fix };
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) return { problem: 'the name contains control characters', fix };
  if ([...value].length > MAX_NAME_LENGTH) return { problem: `the name is ${[...value].length} characters long`, fix };
  return undefined;
}

/** A name given on the command line (`flag` says which): the name, or a UsageError with the fix. */
export function checkedName(flag: string, value: string): string {
  const problem = nameProblem(value);
  if (problem === undefined) return value;
  const shown = value.length > 80 ? `${value.slice(0, 80)}...` : value;
  throw new UsageError(`${flag} "${printable(shown)}": ${problem.problem}`, { hint: problem.fix });
}
