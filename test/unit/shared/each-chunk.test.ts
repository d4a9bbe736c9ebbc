import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { eachChunk } from '../../../src/shared/each-chunk.js';

describe('eachChunk', () => {
  it('hands every chunk over in order and resolves at the end', async () => {
    const seen: string[] = [];
    await eachChunk(Readable.from([Buffer.from('a'), Buffer.from('b'), Buffer.from('c')]), (chunk) => {
      seen.push(chunk.toString());
    });
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('reads nothing more while the promise of a chunk is pending', async () => {
    const stream = new PassThrough();
    const seen: string[] = [];
    let release: () => void = () => undefined;
    const done = eachChunk(stream, (chunk) => {
      seen.push(chunk.toString());
      if (seen.length === 1) return new Promise<void>((resolve) => (release = resolve));
      return undefined;
    });
    stream.write('first');
    await new Promise((resolve) => setImmediate(resolve));
    stream.write('second');
    stream.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['first']);
    expect(stream.isPaused()).toBe(true);
    release();
    await done;
    expect(seen).toEqual(['first', 'second']);
  });

  it('rejects with what a chunk handler threw or rejected, and destroys the stream', async () => {
    const thrown = new PassThrough();
    const failing = eachChunk(thrown, () => {
      throw new Error('disk full');
    });
    thrown.write('x');
    await expect(failing).rejects.toThrow('disk full');
    expect(thrown.destroyed).toBe(true);

    const rejected = new PassThrough();
    const rejecting = eachChunk(rejected, () => Promise.reject(new Error('pipe closed')));
    rejected.write('x');
    await expect(rejecting).rejects.toThrow('pipe closed');
    expect(rejected.destroyed).toBe(true);
  });

  it('rejects when the stream fails or closes before its end', async () => {
    const broken = new PassThrough();
    const failing = eachChunk(broken, () => undefined);
    broken.destroy(new Error('socket hang up'));
    await expect(failing).rejects.toThrow('socket hang up');

    const cut = new PassThrough();
    const cutShort = eachChunk(cut, () => undefined);
    cut.write('partial');
    cut.destroy();
    await expect(cutShort).rejects.toThrow(/premature close/i);
  });
});
