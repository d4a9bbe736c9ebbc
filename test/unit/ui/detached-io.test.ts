/**
 * A `deploy --detach` child writes only NDJSON to its log: stderr lines become records, and a
 * fatal error is one `{"type": "error"}` record with no plain `error:` line.
 */
import { describe, expect, it } from 'vitest';
import { reportError } from '../../../src/main.js';
import { OperationError } from '../../../src/shared/errors.js';
import { DETACHED_CHILD_ENV, detachedIo } from '../../../src/ui/detached-io.js';
import { testIo } from '../../helpers/test-io.js';

const at = new Date('2026-11-24T20:00:00.000Z');

describe('detached io', () => {
  it('turns each complete stderr line into a record on stdout, keeping a partial line until its newline', () => {
    const base = testIo({ env: { [DETACHED_CHILD_ENV]: '1' } });
    const io = detachedIo(base, () => at);
    io.stderr.write('warning: one\nwarning: t');
    io.stderr.write('wo\n\n');
    expect(base.stderrText()).toBe('');
    expect(
      base
        .stdoutText()
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { time: at.toISOString(), type: 'stderr', message: 'warning: one' },
      { time: at.toISOString(), type: 'stderr', message: 'warning: two' },
    ]);
  });

  it('reportError writes a fatal error of the detached child as one JSON record and nothing else', () => {
    const io = testIo({ env: { [DETACHED_CHILD_ENV]: '1' } });
    const code = reportError(new OperationError('another scheduler is active', { hint: 'use --standby' }), io, {
      verbose: false,
      json: true,
    });
    expect(code).toBe(1);
    expect(io.stderrText()).toBe('');
    const lines = io.stdoutText().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      type: 'error',
      error: { message: 'another scheduler is active', hint: 'use --standby', exitCode: 1 },
    });
  });

  it('outside a detached child, --json errors still get their stderr line', () => {
    const io = testIo();
    reportError(new OperationError('boom'), io, { verbose: false, json: true });
    expect(JSON.parse(io.stdoutText())).toEqual({ error: { message: 'boom', hint: null, exitCode: 1 } });
    expect(io.stderrText()).toBe('error: boom\n');
  });
});
