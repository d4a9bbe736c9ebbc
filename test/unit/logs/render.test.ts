import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatListing, NdjsonLogWriter, TextLogWriter } from '../../../src/logs/render.js';
import { formatSize } from '../../../src/shared/byte-size.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('TextLogWriter', () => {
  it('prints a header only when the source changes, with a blank line between sections', () => {
    const out = capture();
    const writer = new TextLogWriter(out.stream, true);
    writer.write('worker-3', 'stdout', [{ text: 'a', offset: 0 }]);
    writer.write('worker-3', 'stdout', [{ text: 'b', offset: 2 }]);
    writer.write('worker-3', 'logs/worker.log', [{ text: 'c', offset: 0 }]);
    writer.write('worker-3', 'stdout', [{ text: 'd', offset: 4 }]);
    expect(out.text()).toBe('==> worker-3:stdout <==\na\nb\n\n==> worker-3:logs/worker.log <==\nc\n\n==> worker-3:stdout <==\nd\n');
  });

  it('passes raw bytes after the header and waits for a full output to drain', async () => {
    const chunks: Buffer[] = [];
    // A slow consumer: each write completes on a later tick, so the buffer fills.
    const slow = new Writable({
      highWaterMark: 4,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        setTimeout(callback, 1);
      },
    });
    const writer = new TextLogWriter(slow, true);
    const pending = writer.writeBytes('master-1', 'stdout', Buffer.from('日本\nxyz\n'));
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    expect(Buffer.concat(chunks).toString()).toBe('==> master-1:stdout <==\n日本\nxyz\n');
  });
});

describe('NdjsonLogWriter', () => {
  it('writes one record per line', () => {
    const out = capture();
    new NdjsonLogWriter(out.stream).write('worker-1', 'stderr', [{ text: 'say "hi"', offset: 10 }]);
    expect(JSON.parse(out.text())).toEqual({ task: 'worker-1', file: 'stderr', offset: 10, line: 'say "hi"' });
  });
});

describe('backpressure', () => {
  it('tells the reader to wait while a slow output is full', async () => {
    const slow = new Writable({ highWaterMark: 8, write: (_chunk, _encoding, callback) => void setTimeout(callback, 1) });
    const writer = new NdjsonLogWriter(slow);
    expect(writer.drained()).toBeUndefined();
    writer.write('w', 'stdout', [{ text: 'a long enough line', offset: 0 }]);
    const pending = writer.drained();
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    expect(writer.drained()).toBeUndefined();
  });
});

describe('formatListing', () => {
  it('shows mode, size, UTC time and name, directories with a slash', () => {
    const listing = formatListing([
      { name: 'logs', path: '/s/logs', size: 4096, mtime: 1795548218, mode: 'drwxr-xr-x', directory: true },
      { name: 'stdout', path: '/s/stdout', size: 6, mtime: 1795548218, mode: '-rw-r--r--', directory: false },
    ]);
    expect(listing).toBe('drwxr-xr-x  4.0 KiB  2026-11-24 19:23:38Z  logs/\n-rw-r--r--      6 B  2026-11-24 19:23:38Z  stdout\n');
    expect(formatSize(1024 * 1024 * 1024)).toBe('1.0 GiB');
  });
});
