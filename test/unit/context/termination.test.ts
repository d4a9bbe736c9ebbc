/** How SIGINT and SIGTERM reach a command: one AbortSignal whose reason carries the exit code. */
import { describe, expect, it } from 'vitest';
import { cancelledBy, exitCodeFor, manualTermination, noTermination } from '../../../src/context/termination.js';
import { abortReason } from '../../../src/shared/clock.js';
import { CancelledError, ExitCode } from '../../../src/shared/errors.js';

describe('termination', () => {
  it('Ctrl-C is exit 130 and SIGTERM 143, as shells report them', () => {
    expect(exitCodeFor('SIGINT')).toBe(ExitCode.INTERRUPTED);
    expect(exitCodeFor('SIGTERM')).toBe(ExitCode.TERMINATED);
    expect(ExitCode.INTERRUPTED).toBe(130);
    expect(ExitCode.TERMINATED).toBe(143);
  });

  it('the abort reason is a CancelledError with the exit code, and the transport throws exactly it', () => {
    const termination = manualTermination();
    expect(termination.signal.aborted).toBe(false);
    termination.terminate('SIGTERM');
    expect(termination.received()).toBe('SIGTERM');
    expect(termination.signal.aborted).toBe(true);
    const reason = abortReason(termination.signal);
    expect(reason).toBeInstanceOf(CancelledError);
    expect((reason as CancelledError).exitCode).toBe(143);
    expect(reason.message).toBe('terminated (SIGTERM)');
  });

  it('the first signal decides; a later one does not change the reason', () => {
    const termination = manualTermination();
    termination.terminate('SIGINT');
    termination.terminate('SIGTERM');
    expect(termination.received()).toBe('SIGINT');
    expect((termination.signal.reason as CancelledError).exitCode).toBe(130);
    expect(cancelledBy('SIGINT').message).toBe('interrupted (Ctrl-C)');
  });

  it('noTermination never fires', () => {
    const termination = noTermination();
    expect(termination.signal.aborted).toBe(false);
    expect(termination.received()).toBeUndefined();
  });
});
