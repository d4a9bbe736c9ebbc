import { describe, expect, it } from 'vitest';
import { AgentAnswerError, decodeReadBody, parseBrowseBody, readRange, sandboxChild } from '../../../src/logs/files-client.js';
import { UsageError } from '../../../src/shared/errors.js';
import { FakeFiles } from './fake-files.js';

/** What stout's JSON writer puts on the wire for `bytes`: raw bytes, escaping only ", \, / and controls. */
function mesosReadBody(bytes: Buffer, offset: number): Buffer {
  const parts: Buffer[] = [Buffer.from('{"data":"')];
  for (const byte of bytes) {
    const escapes: Record<number, string> = {
      0x22: '\\"',
      0x5c: '\\\\',
      0x2f: '\\/',
      0x08: '\\b',
      0x0c: '\\f',
      0x0a: '\\n',
      0x0d: '\\r',
      0x09: '\\t',
    };
    const escape = escapes[byte];
    if (escape !== undefined) parts.push(Buffer.from(escape));
    else if (byte < 0x20 || byte === 0x7f) parts.push(Buffer.from(`\\u${byte.toString(16).padStart(4, '0')}`));
    else parts.push(Buffer.from([byte]));
  }
  parts.push(Buffer.from(`","offset":${offset}}`));
  return Buffer.concat(parts);
}

describe('decodeReadBody', () => {
  it('gives back every byte value exactly, including halves of multi-byte characters', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(decodeReadBody(mesosReadBody(all, 7), 'agent').data.equals(all)).toBe(true);
    const text = Buffer.from('日本🚀', 'utf8');
    for (let cut = 0; cut <= text.length; cut++) {
      const left = decodeReadBody(mesosReadBody(text.subarray(0, cut), 0), 'agent').data;
      const right = decodeReadBody(mesosReadBody(text.subarray(cut), cut), 'agent').data;
      expect(Buffer.concat([left, right]).toString('utf8')).toBe('日本🚀');
    }
  });

  it('reads the size answer of the real agent', () => {
    expect(decodeReadBody(Buffer.from('{"data":"","offset":6}'), 'agent')).toEqual({ data: Buffer.alloc(0), offset: 6 });
  });

  it('accepts a proxy that escaped text as \\u sequences', () => {
    expect(decodeReadBody(Buffer.from('{"data":"\\u65e5x","offset":0}'), 'agent').data.toString('utf8')).toBe('日x');
  });

  it('rejects garbage with an error naming the agent', () => {
    for (const body of ['<html>502 Bad Gateway</html>', '[]', '{"data":1,"offset":0}', '{"data":"","offset":-3}', '']) {
      expect(() => decodeReadBody(Buffer.from(body), 'http://agent:5051/files/read')).toThrow(AgentAnswerError);
    }
  });
});

describe('parseBrowseBody', () => {
  it('marks directories by their mode', () => {
    const entries = parseBrowseBody(
      Buffer.from('[{"gid":"root","mode":"drwxr-xr-x","mtime":1.0,"nlink":2,"path":"/s/logs","size":4096,"uid":"root"}]'),
      'x',
    );
    expect(entries).toEqual([{ path: '/s/logs', size: 4096, mtime: 1, mode: 'drwxr-xr-x', directory: true }]);
    expect(() => parseBrowseBody(Buffer.from('{"x":1}'), 'x')).toThrow(AgentAnswerError);
  });

  it('refuses a size that is not a whole number of bytes, and reads an mtime that is not finite as 0', () => {
    for (const size of ['1.5', '-1', '1e400', '123456789012345678901234567890']) {
      expect(() => parseBrowseBody(Buffer.from(`[{"mode":"-rw-r--r--","path":"/s/stdout","size":${size}}]`), 'x')).toThrow(
        AgentAnswerError,
      );
    }
    expect(parseBrowseBody(Buffer.from('[{"mode":"-rw-r--r--","path":"/s/stdout","size":5,"mtime":1e400}]'), 'x')[0]?.mtime).toBe(0);
  });
});

describe('readRange', () => {
  it('loops over the per-read cap and stops at the end of the file', async () => {
    const data = Buffer.from('0123456789'.repeat(30));
    const files = new FakeFiles('a', 64).set('/f', data);
    expect((await readRange(files, '/f', 5, 250)).equals(data.subarray(5, 255))).toBe(true);
    expect(files.reads.map((read) => read.offset)).toEqual([5, 69, 133, 197]);
    expect((await readRange(files, '/f', 290, 100)).toString()).toBe('0123456789');
  });
});

describe('readRange in parallel', () => {
  it('asks consecutive 64 KiB slices together and assembles them in order, stopping at EOF', async () => {
    const data = Buffer.from(Array.from({ length: 300 * 1024 }, (_, i) => (i * 13) % 251));
    const files = new FakeFiles('a').set('/f', data);
    const all = await readRange(files, '/f', 1000, 400 * 1024);
    expect(all.equals(data.subarray(1000))).toBe(true);
    expect(files.reads.slice(0, 4).map((read) => read.offset)).toEqual([1000, 1000 + 65536, 1000 + 2 * 65536, 1000 + 3 * 65536]);
  });
});

describe('sandboxChild', () => {
  it('joins names and refuses to leave the sandbox', () => {
    expect(sandboxChild('/fw/runs/latest/', 'logs/worker.log')).toBe('/fw/runs/latest/logs/worker.log');
    expect(sandboxChild('/s', './stdout')).toBe('/s/stdout');
    for (const bad of ['../x', 'logs/../../etc/passwd', '', '/etc/passwd', '.']) expect(() => sandboxChild('/s', bad)).toThrow(UsageError);
  });
});
