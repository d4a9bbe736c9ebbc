import { describe, expect, it } from 'vitest';
import { tailLines } from '../../../src/logs/tail.js';
import { FakeFiles } from './fake-files.js';

/** The last `n` lines the way `tail -n` sees them: a last line without newline still counts. */
function reference(text: string, n: number): string[] {
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  if (text === '') return [];
  return n === 0 ? [] : lines.slice(-n);
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('tailLines', () => {
  it('matches tail -n on random files of every shape', async () => {
    const random = seeded(7);
    const alphabet = ['a', 'b', 'é', '日', '🚀', ' ', '\n', '\n', '\r\n'];
    for (let round = 0; round < 60; round++) {
      const length = Math.floor(random() * 3000);
      let text = '';
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      const n = Math.floor(random() * 40);
      const files = new FakeFiles('a', 1 + Math.floor(random() * 200)).set('/s/stdout', text);
      const result = await tailLines(files, '/s/stdout', n, { initialWindow: 1 + Math.floor(random() * 300), maxWindow: 512 });
      const want = reference(text, n).map((line) => line.replace(/\r$/, ''));
      expect(
        result.lines.map((line) => line.text),
        `round ${round}`,
      ).toEqual(want);
      expect(result.size).toBe(Buffer.byteLength(text));
    }
  });

  it('never corrupts a multi-byte character split at any window or read boundary', async () => {
    const text = `${'ok\n'.repeat(3)}${'日本🚀é'.repeat(40)}\nlast 🚀 line\n`;
    const bytes = Buffer.byteLength(text);
    for (let window = 1; window <= 40; window++) {
      for (const cap of [1, 2, 3, 5, 64]) {
        const files = new FakeFiles('a', cap).set('/f', text);
        const result = await tailLines(files, '/f', 2, { initialWindow: window, maxWindow: window * 3 });
        expect(result.lines.map((line) => line.text)).toEqual(['日本🚀é'.repeat(40), 'last 🚀 line']);
        expect(result.end).toBe(bytes);
      }
    }
  });

  it('reads only the end of a large file', async () => {
    const line = `${'x'.repeat(99)}\n`;
    const files = new FakeFiles().set('/big', line.repeat(200_000)); // 20 MB
    const result = await tailLines(files, '/big', 100);
    expect(result.lines).toHaveLength(100);
    expect(result.lines[0]!.offset).toBe(100 * (200_000 - 100));
    expect(files.bytesRead).toBeLessThanOrEqual(64 * 1024);
    expect(result.bytesRead).toBe(files.bytesRead);
  });

  it('grows the window for long lines and stops at maxBytes on a file without newlines', async () => {
    const files = new FakeFiles().set('/huge', `${'y'.repeat(5_000_000)}\nshort\n`);
    const result = await tailLines(files, '/huge', 2);
    expect(result.lines.map((line) => line.text.length)).toEqual([5_000_000, 5]);
    expect(result.firstLineCut).toBe(false);

    const endless = new FakeFiles().set('/endless', '€'.repeat(1_000_000)); // 3 MB, no newline
    const cut = await tailLines(endless, '/endless', 10, { maxBytes: 100_001 });
    expect(endless.bytesRead).toBe(100_001);
    expect(cut.firstLineCut).toBe(true);
    // Started inside a character: the partial bytes are dropped, not shown as U+FFFD.
    expect(cut.lines[0]!.text).toBe('€'.repeat(33_333));
  });

  it('handles empty files, zero lines and a file without a trailing newline', async () => {
    const files = new FakeFiles().set('/empty', '').set('/one', 'just one line');
    expect((await tailLines(files, '/empty', 10)).lines).toEqual([]);
    expect((await tailLines(files, '/one', 0)).lines).toEqual([]);
    expect((await tailLines(files, '/one', 10)).lines).toEqual([{ text: 'just one line', offset: 0 }]);
  });

  it('holds back an unfinished last line for a follow to print whole', async () => {
    const files = new FakeFiles().set('/log', 'a\nb\nc\npartial');
    const result = await tailLines(files, '/log', 2, { holdPartialLine: true });
    expect(result.lines.map((line) => line.text)).toEqual(['b', 'c']);
    expect(result.end).toBe(6);
    expect(result.size).toBe(13);
  });
});

describe('tailLines on a file that shrinks while it is read', () => {
  it('starts over on the new content', async () => {
    const files = new FakeFiles().set('/log', `${'old line\n'.repeat(20_000)}`);
    const read = files.read.bind(files);
    let truncated = false;
    files.read = async (path, offset, length) => {
      if (!truncated) {
        truncated = true;
        files.set('/log', 'rotated\n');
      }
      return read(path, offset, length);
    };
    const result = await tailLines(files, '/log', 5);
    expect(result.lines.map((line) => line.text)).toEqual(['rotated']);
  });
});

/**
 * Mesos answers `/files/read?offset=-1` with the size it saw when it opened the file: a log that
 * the task is creating at that instant answers 0, and has its first lines a moment later. This
 * agent's first size answer comes before the task's first write lands.
 */
class FileBeingCreated extends FakeFiles {
  constructor(
    private readonly path: string,
    private readonly firstWrite: string,
  ) {
    super();
    this.set(path, '');
  }

  override async size(path: string): Promise<number> {
    const size = await super.size(path);
    if (path === this.path && this.contents.get(path)!.length === 0) this.set(path, this.firstWrite);
    return size;
  }
}

describe('tailLines on a file being created', () => {
  it('does not print an empty tail when the file has lines by the time it is read', async () => {
    const files = new FileBeingCreated('/s/logs/worker.log', 'INFO Alluxio worker started\nINFO registered\n');
    const result = await tailLines(files, '/s/logs/worker.log', 20);
    expect(result.lines.map((line) => line.text)).toEqual(['INFO Alluxio worker started', 'INFO registered']);
    expect(result.size).toBe(44);
  });

  it('prints an empty tail for a file that stays empty, after one read confirms it', async () => {
    const files = new FakeFiles().set('/s/stdout', '');
    expect((await tailLines(files, '/s/stdout', 20)).lines).toEqual([]);
    expect(files.reads).toEqual([{ path: '/s/stdout', offset: 0, length: 64 * 1024 }]);
  });
});
