import { describe, expect, it } from 'vitest';
import { firstLine, oneLineQuote } from '../../../src/shared/excerpt.js';

describe('firstLine', () => {
  it('keeps the first line of any line ending, cut at 200 characters', () => {
    expect(firstLine('Framework cannot be found\nsecond')).toBe('Framework cannot be found');
    expect(firstLine('a\r\nb')).toBe('a');
    expect(firstLine('a\rb')).toBe('a');
    expect(firstLine('x'.repeat(70_000))).toBe(`${'x'.repeat(200)}...`);
    expect(firstLine('short', 3)).toBe('sho...');
  });
});

describe('oneLineQuote', () => {
  it('escapes line breaks and control characters, and cuts a long value naming its length', () => {
    expect(oneLineQuote('/opt/al\nluxio')).toBe('/opt/al\\nluxio');
    expect(oneLineQuote('\u001b]0;T\u0007')).toBe('\\x1b]0;T\\x07');
    expect(oneLineQuote('y'.repeat(20_000), 10)).toBe('yyyyyyyyyy... (20000 characters)');
    expect(oneLineQuote('plain')).toBe('plain');
  });
});
