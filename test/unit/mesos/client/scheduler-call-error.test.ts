import { describe, expect, it } from 'vitest';
import { SchedulerCallError } from '../../../../src/mesos/client/scheduler-client.js';

describe('SchedulerCallError', () => {
  it.each([
    [
      400,
      "The stream ID '11111111-1111-1111-1111-111111111111' included in this request didn't match the stream ID currently associated with framework ID fw-1",
      true,
      true,
    ],
    [403, 'Framework is not connected via HTTP', true, true],
    // Nobody holds the framework (our own connection dropped, a master restart): subscribe again.
    [403, 'Framework is not subscribed', true, false],
    [400, 'Framework cannot be found', true, false],
    [400, "Failed to validate scheduler::Call: Expecting 'accept' to be present", false, false],
  ])('%i %s: subscription lost %s, taken over by another scheduler %s', (status, body, lost, takenOver) => {
    const error = new SchedulerCallError(status, body, 'KILL');
    expect(error.subscriptionLost).toBe(lost);
    expect(error.retriable).toBe(lost);
    expect(error.takenOver).toBe(takenOver);
    expect(error.message).toBe(`Mesos rejected KILL (${status}): ${body}`);
  });
});
