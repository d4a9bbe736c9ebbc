/** The one decision about colour and animation (spinners, redraw in place). */
import { describe, expect, it } from 'vitest';
import { canPrompt, colorEnabled, decoration, isCi, type Io } from '../../../src/ui/io.js';
import { testIo } from '../../helpers/test-io.js';

/** A terminal 80 columns wide, TERM=xterm-256color, no CI, unless `env`/`columns` say otherwise. */
function terminal(options: { env?: Record<string, string | undefined>; columns?: number; tty?: boolean } = {}): Io {
  const io = testIo({ tty: options.tty ?? true, env: { TERM: 'xterm-256color', ...options.env } });
  return { ...io, stdoutColumns: options.columns ?? 80, stderrColumns: options.columns ?? 80 };
}

describe('decoration', () => {
  it('a real terminal gets colour and animation on both streams', () => {
    for (const stream of ['stdout', 'stderr'] as const) {
      expect(decoration(terminal(), stream, { noColorFlag: false })).toEqual({ color: true, animate: true });
    }
  });

  it('a pipe gets neither', () => {
    expect(decoration(terminal({ tty: false }), 'stderr', { noColorFlag: false })).toEqual({ color: false, animate: false });
  });

  it('TERM=dumb gets neither', () => {
    expect(decoration(terminal({ env: { TERM: 'dumb' } }), 'stderr', { noColorFlag: false })).toEqual({ color: false, animate: false });
  });

  it.each(['true', '1', 'yes', 'github-actions'])('CI=%s gets neither', (ci) => {
    expect(decoration(terminal({ env: { CI: ci } }), 'stderr', { noColorFlag: false })).toEqual({ color: false, animate: false });
  });

  it.each(['', '0', 'false', 'FALSE'])('CI=%j is not CI', (ci) => {
    expect(decoration(terminal({ env: { CI: ci } }), 'stderr', { noColorFlag: false })).toEqual({ color: true, animate: true });
  });

  it('a 0-column terminal (a pty nobody sized) is not animated, and an unknown width neither', () => {
    expect(decoration(terminal({ columns: 0 }), 'stderr', { noColorFlag: false })).toEqual({ color: true, animate: false });
    const unsized: Io = { ...testIo({ tty: true, env: { TERM: 'xterm' } }) };
    expect(decoration(unsized, 'stderr', { noColorFlag: false }).animate).toBe(false);
  });

  it('NO_COLOR (any non-empty value) and --no-color turn colour off, not animation', () => {
    expect(decoration(terminal({ env: { NO_COLOR: '1' } }), 'stderr', { noColorFlag: false })).toEqual({ color: false, animate: true });
    expect(decoration(terminal(), 'stderr', { noColorFlag: true })).toEqual({ color: false, animate: true });
    expect(decoration(terminal({ env: { NO_COLOR: '' } }), 'stderr', { noColorFlag: false }).color).toBe(true);
  });

  it('FORCE_COLOR forces colour into a pipe or CI, never animation; NO_COLOR still wins', () => {
    expect(decoration(terminal({ tty: false, env: { FORCE_COLOR: '1' } }), 'stdout', { noColorFlag: false })).toEqual({
      color: true,
      animate: false,
    });
    expect(decoration(terminal({ env: { FORCE_COLOR: '1', CI: 'true' } }), 'stdout', { noColorFlag: false }).color).toBe(true);
    expect(decoration(terminal({ tty: false, env: { FORCE_COLOR: '0' } }), 'stdout', { noColorFlag: false }).color).toBe(false);
    expect(decoration(terminal({ env: { FORCE_COLOR: '1', NO_COLOR: '1' } }), 'stdout', { noColorFlag: false }).color).toBe(false);
  });

  it('each stream is judged on its own', () => {
    const io: Io = { ...terminal(), stdoutIsTTY: false };
    expect(decoration(io, 'stdout', { noColorFlag: false }).color).toBe(false);
    expect(decoration(io, 'stderr', { noColorFlag: false }).color).toBe(true);
  });

  it('colorEnabled is the colour half of the same decision', () => {
    expect(colorEnabled(terminal({ env: { TERM: 'dumb' } }), 'stdout', false)).toBe(false);
    expect(colorEnabled(terminal(), 'stdout', true)).toBe(false);
    expect(colorEnabled(terminal(), 'stdout', false)).toBe(true);
  });
});

describe('CI and prompts', () => {
  it('isCi follows the usual convention', () => {
    expect(isCi({})).toBe(false);
    expect(isCi({ CI: 'true' })).toBe(true);
    expect(isCi({ CI: '0' })).toBe(false);
    expect(isCi({ CI: 'False' })).toBe(false);
  });

  it('prompts need both ends on a terminal, no CI and no --yes', () => {
    expect(canPrompt(terminal(), false)).toBe(true);
    expect(canPrompt(terminal(), true)).toBe(false);
    expect(canPrompt(terminal({ env: { CI: '1' } }), false)).toBe(false);
    expect(canPrompt(terminal({ tty: false }), false)).toBe(false);
  });
});
