import { describe, expect, it } from 'vitest';
import { splitLines, Utf8LineDecoder } from '../../../src/logs/utf8-lines.js';

const TEXT = 'héllo wörld\n日本語のログ\n🚀 launch\r\nno newline at the end €';

function decodeInPieces(bytes: Buffer, cuts: number[]): { texts: string[]; offsets: number[] } {
  const decoder = new Utf8LineDecoder();
  const lines = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    lines.push(...decoder.push(bytes.subarray(from, cut)));
    from = cut;
  }
  const last = decoder.flush();
  if (last !== undefined) lines.push(last);
  return { texts: lines.map((line) => line.text), offsets: lines.map((line) => line.offset) };
}

describe('Utf8LineDecoder', () => {
  const bytes = Buffer.from(TEXT, 'utf8');
  const expected = ['héllo wörld', '日本語のログ', '🚀 launch', 'no newline at the end €'];

  it('decodes lines intact whatever single byte boundary splits the input', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(decodeInPieces(bytes, [cut]).texts, `cut at ${cut}`).toEqual(expected);
    }
  });

  it('decodes lines intact when every byte arrives alone', () => {
    const cuts = Array.from({ length: bytes.length }, (_, i) => i);
    expect(decodeInPieces(bytes, cuts).texts).toEqual(expected);
  });

  it('reports the byte offset of each line start', () => {
    const { offsets } = decodeInPieces(bytes, [5, 17]);
    const starts = [0];
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) starts.push(i + 1);
    expect(offsets).toEqual(starts);
  });

  it('holds back an unfinished line until its newline arrives', () => {
    const decoder = new Utf8LineDecoder(100);
    expect(decoder.push(Buffer.from('abc'))).toEqual([]);
    expect(decoder.pendingBytes).toBe(3);
    expect(decoder.push(Buffer.from('def\nx'))).toEqual([{ text: 'abcdef', offset: 100 }]);
    expect(decoder.pendingOffset).toBe(107);
    decoder.reset(0);
    expect(decoder.flush()).toBeUndefined();
  });

  it('keeps empty lines', () => {
    expect(splitLines(Buffer.from('\n\na\n')).map((line) => line.text)).toEqual(['', '', 'a']);
  });
});
