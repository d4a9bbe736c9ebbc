/**
 * Each Alluxio port is checked against the ports answered before it, when it is answered: a clash
 * found only after the last question would throw every answer away. A master and a worker may run on
 * the same agent, so all of them must differ.
 */
import { STEPS, type Answers, type StepId } from './steps.js';

const PORT_STEPS: ReadonlySet<StepId> = new Set(['masterPort', 'masterWebPort', 'workerPort', 'workerDataPort', 'workerWebPort']);

/** Where an answer came from, to name it as the user gave it: the flag typed, or the question. */
export type AnswerOrigin = 'flag' | 'prompt' | 'current';

/**
 * The clash of `value` (the answer to `stepId`) with a port answered earlier, as one line naming
 * the other port the way the user gave it; undefined when there is none.
 */
export function portClash(stepId: StepId, value: string, answers: Answers, originOf: (id: StepId) => AnswerOrigin): string | undefined {
  if (!PORT_STEPS.has(stepId)) return undefined;
  for (const other of STEPS) {
    if (other.id === stepId || !PORT_STEPS.has(other.id)) continue;
    const taken = answers[other.id];
    if (taken === undefined || Number(taken) !== Number(value)) continue;
    const origin = originOf(other.id);
    const named =
      origin === 'flag'
        ? `${other.flag} ${taken}`
        : `the ${other.message.charAt(0).toLowerCase()}${other.message.slice(1)} (${taken}${origin === 'current' ? ', the current or default value' : ', answered above'})`;
    return `port ${value} is already ${named}; give every Alluxio port its own number (a master and a worker may run on the same agent)`;
  }
  return undefined;
}
