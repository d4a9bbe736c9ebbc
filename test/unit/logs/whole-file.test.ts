import { describe, expect, it } from 'vitest';
import { streamWholeFile, streamWholeFileBytes } from '../../../src/logs/whole-file.js';
import type { Line } from '../../../src/logs/utf8-lines.js';
import { FakeFiles } from './fake-files.js';

describe('streamWholeFile', () => {
  it('passes on every line of a download whose chunks split characters, without reading through /files/read', async () => {
    // FakeFiles delivers downloads in 1000-byte chunks: 3-byte characters get split.
    const text = `${'€'.repeat(1500)}\nsecond\nunfinished`;
    const files = new FakeFiles().set('/f', text);
    const seen: Line[] = [];
    const result = await streamWholeFile(files, '/f', (lines) => void seen.push(...lines));
    expect(seen.map((line) => line.text)).toEqual(['€'.repeat(1500), 'second', 'unfinished']);
    expect(result).toEqual({ end: Buffer.byteLength(text), lines: 3 });
    expect(files.reads).toEqual([]);

    const held: Line[] = [];
    const partial = await streamWholeFile(files, '/f', (lines) => void held.push(...lines), { holdPartialLine: true });
    expect(held.map((line) => line.text)).toEqual(['€'.repeat(1500), 'second']);
    expect(partial.end).toBe(Buffer.byteLength(text) - 'unfinished'.length);
  });
});

describe('streamWholeFileBytes', () => {
  it('passes the exact bytes on, only ever cut after a newline', async () => {
    const text = `${'€'.repeat(700)}\n${'x'.repeat(2500)}\nshort\ntail without newline`;
    const files = new FakeFiles().set('/f', text);
    const pieces: Buffer[] = [];
    const result = await streamWholeFileBytes(files, '/f', (bytes) => {
      pieces.push(Buffer.from(bytes));
    });
    expect(Buffer.concat(pieces).toString('utf8')).toBe(`${text}\n`);
    // Each write ends at a newline, or is the carried start of a line followed by its end.
    let open = false;
    for (const piece of pieces) {
      const endsLine = piece[piece.length - 1] === 0x0a;
      if (!endsLine) expect(open).toBe(false);
      open = !endsLine;
    }
    expect(result.end).toBe(Buffer.byteLength(text));

    const held: Buffer[] = [];
    const partial = await streamWholeFileBytes(files, '/f', (bytes) => void held.push(Buffer.from(bytes)), { holdPartialLine: true });
    expect(Buffer.concat(held).toString('utf8')).toBe(text.slice(0, text.lastIndexOf('\n') + 1));
    expect(partial.end).toBe(Buffer.byteLength(text) - 'tail without newline'.length);
  });
});
