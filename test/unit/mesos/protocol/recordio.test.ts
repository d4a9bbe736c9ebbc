import { describe, expect, it } from 'vitest';

import {
  RecordIODecoder,
  RecordIOError,
  RecordIOHeaderError,
  RecordIOOversizedRecordError,
  RecordIOUnderrunError,
  encodeRecord,
} from '../../../../src/mesos/protocol/recordio.js';

type Chunker = (input: Buffer) => Buffer[];

const CHUNKINGS: Array<[string, Chunker]> = [
  ['whole', (input) => [input]],
  ['one byte at a time', (input) => [...input].map((byte) => Buffer.from([byte]))],
  ['halves', (input) => [input.subarray(0, input.length >> 1), input.subarray(input.length >> 1)]],
];

interface Outcome {
  records: string[];
  /** Error class name and where it surfaced. */
  error?: { name: string; at: 'feed' | 'end'; message: string };
}

function run(input: Buffer, chunker: Chunker, maxRecordBytes: number): Outcome {
  const decoder = new RecordIODecoder({ maxRecordBytes });
  const records: Buffer[] = [];
  try {
    for (const chunk of chunker(input)) records.push(...decoder.feed(chunk));
  } catch (error) {
    if (!(error instanceof RecordIOError)) throw error;
    records.push(...error.records);
    return { records: records.map(String), error: { name: error.name, at: 'feed', message: error.message } };
  }
  try {
    decoder.end();
  } catch (error) {
    if (!(error instanceof RecordIOError)) throw error;
    return { records: records.map(String), error: { name: error.name, at: 'end', message: error.message } };
  }
  return { records: records.map(String) };
}

const utf8Text = '{"msg":"héllo — ✓ 😀 ünïcødé"}';
const utf8Bytes = Buffer.from(utf8Text, 'utf8');

interface Row {
  name: string;
  input: Buffer | string;
  max?: number;
  records: string[];
  error?: { name: string; at: 'feed' | 'end'; message?: RegExp };
}

const TABLE: Row[] = [
  { name: 'empty stream', input: '', records: [] },
  { name: 'one record', input: '5\nhello', records: ['hello'] },
  { name: 'records back to back, no separator', input: '5\nhello5\nworld', records: ['hello', 'world'] },
  {
    name: 'several records in one chunk',
    input: '20\n{"type":"HEARTBEAT"}20\n{"type":"HEARTBEAT"}2\nok',
    records: ['{"type":"HEARTBEAT"}', '{"type":"HEARTBEAT"}', 'ok'],
  },
  { name: 'zero-length records are skipped', input: '0\n5\nhello0\n', records: ['hello'] },
  {
    name: 'multi-byte UTF-8 counted in bytes',
    input: Buffer.concat([Buffer.from(`${utf8Bytes.length}\n`), utf8Bytes, Buffer.from('2\nok')]),
    records: [utf8Text, 'ok'],
  },
  { name: 'leading zeros in the length', input: '005\nhello', records: ['hello'] },
  { name: 'record exactly at the limit', input: '5\nhello', max: 5, records: ['hello'] },
  {
    name: 'oversized record',
    input: '11\nhello world',
    max: 10,
    records: [],
    error: { name: 'RecordIOOversizedRecordError', at: 'feed', message: /11 bytes exceeds the limit of 10 bytes/ },
  },
  {
    name: 'oversized record after a good one',
    input: '2\nok999\n',
    max: 10,
    records: ['ok'],
    error: { name: 'RecordIOOversizedRecordError', at: 'feed' },
  },
  {
    name: 'twenty-digit length',
    input: '99999999999999999999\n',
    max: 1024,
    records: [],
    error: { name: 'RecordIOOversizedRecordError', at: 'feed' },
  },
  {
    name: 'header longer than 20 digits, no newline needed',
    input: '1'.repeat(21),
    records: [],
    error: { name: 'RecordIOHeaderError', at: 'feed', message: /longer than 20 digits/ },
  },
  {
    name: 'non-digit header',
    input: 'abc\nhello',
    records: [],
    error: { name: 'RecordIOHeaderError', at: 'feed', message: /byte 0x61 after 0 digit/ },
  },
  {
    name: 'empty header (leading newline)',
    input: '\n5\nhello',
    records: [],
    error: { name: 'RecordIOHeaderError', at: 'feed', message: /empty/ },
  },
  { name: 'leading space', input: ' 5\nhello', records: [], error: { name: 'RecordIOHeaderError', at: 'feed' } },
  { name: 'trailing space', input: '5 \nhello', records: [], error: { name: 'RecordIOHeaderError', at: 'feed' } },
  { name: 'sign', input: '+5\nhello', records: [], error: { name: 'RecordIOHeaderError', at: 'feed' } },
  { name: 'CRLF between records', input: '5\nhello\r\n5\nworld', records: ['hello'], error: { name: 'RecordIOHeaderError', at: 'feed' } },
  { name: 'junk after a record', input: '5\nhelloX', records: ['hello'], error: { name: 'RecordIOHeaderError', at: 'feed' } },
  {
    name: 'stream ends inside a record',
    input: '5\nhel',
    records: [],
    error: { name: 'RecordIOUnderrunError', at: 'end', message: /got 3 of 5 bytes/ },
  },
  { name: 'stream ends inside a header', input: '2\nok12', records: ['ok'], error: { name: 'RecordIOUnderrunError', at: 'end' } },
  { name: 'stream ends after a header', input: '5\n', records: [], error: { name: 'RecordIOUnderrunError', at: 'end' } },
];

describe('RecordIODecoder', () => {
  for (const [chunkingName, chunker] of CHUNKINGS) {
    describe(`fed ${chunkingName}`, () => {
      it.each(TABLE)('$name', (row) => {
        const input = typeof row.input === 'string' ? Buffer.from(row.input, 'utf8') : row.input;
        const outcome = run(input, chunker, row.max ?? 1024);
        expect(outcome.records).toEqual(row.records);
        if (row.error === undefined) {
          expect(outcome.error).toBeUndefined();
        } else {
          expect(outcome.error?.name).toBe(row.error.name);
          expect(outcome.error?.at).toBe(row.error.at);
          if (row.error.message !== undefined) expect(outcome.error?.message).toMatch(row.error.message);
        }
      });
    });
  }

  it('splits a multi-byte character across chunks without corrupting it', () => {
    const framed = encodeRecord(utf8Bytes);
    const cut = framed.indexOf(Buffer.from('😀')) + 2;
    const decoder = new RecordIODecoder({ maxRecordBytes: 1024 });
    expect(decoder.feed(framed.subarray(0, cut))).toEqual([]);
    const [record] = decoder.feed(framed.subarray(cut));
    expect(record?.toString('utf8')).toBe(utf8Text);
    decoder.end();
  });

  it('stays failed after an error', () => {
    const decoder = new RecordIODecoder({ maxRecordBytes: 4 });
    let first: unknown;
    try {
      decoder.feed(Buffer.from('9\n'));
    } catch (error) {
      first = error;
    }
    expect(first).toBeInstanceOf(RecordIOOversizedRecordError);
    expect(decoder.failed).toBe(true);
    expect(() => decoder.feed(Buffer.from('1\nx'))).toThrow(first as Error);
    expect(() => decoder.end()).toThrow(first as Error);
  });

  it('names size and limit in the oversize error and keeps them as fields', () => {
    const decoder = new RecordIODecoder({ maxRecordBytes: 1000 });
    try {
      decoder.feed(Buffer.from('123456\n'));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RecordIOOversizedRecordError);
      const oversized = error as RecordIOOversizedRecordError;
      expect(oversized.size).toBe(123456);
      expect(oversized.limit).toBe(1000);
      expect(oversized.message).toBe('RecordIO record of 123456 bytes exceeds the limit of 1000 bytes (maxRecordBytes)');
    }
  });

  it.each([
    ['12ab\n', 'not-a-digit'],
    ['\n', 'empty'],
    ['123456789012345678901', 'too-long'],
  ])('classifies the header problem in %j as %s', (input, problem) => {
    const decoder = new RecordIODecoder({ maxRecordBytes: 10 });
    try {
      decoder.feed(Buffer.from(input));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RecordIOHeaderError);
      expect((error as RecordIOHeaderError).problem).toBe(problem);
    }
  });

  it('error classes form a hierarchy under RecordIOError', () => {
    expect(new RecordIOHeaderError('x', 'empty')).toBeInstanceOf(RecordIOError);
    expect(new RecordIOUnderrunError('x')).toBeInstanceOf(RecordIOError);
    expect(new RecordIOOversizedRecordError(2, 1)).toBeInstanceOf(RecordIOError);
  });

  it('round-trips arbitrary binary records through encodeRecord under random chunking', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const payloads = Array.from({ length: 200 }, () =>
      Buffer.from(Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256))),
    );
    const stream = Buffer.concat(payloads.map((payload) => encodeRecord(payload)));
    const decoder = new RecordIODecoder({ maxRecordBytes: 1024 });
    const out: Buffer[] = [];
    for (let pos = 0; pos < stream.length;) {
      const size = 1 + Math.floor(random() * 700);
      out.push(...decoder.feed(stream.subarray(pos, pos + size)));
      pos += size;
    }
    decoder.end();
    expect(out).toEqual(payloads.filter((payload) => payload.length > 0));
  });

  it('frames with a decimal byte count and no trailing separator', () => {
    expect(encodeRecord(Buffer.from('{"type":"HEARTBEAT"}')).toString()).toBe('20\n{"type":"HEARTBEAT"}');
    expect([...encodeRecord(Buffer.from([8, 8]))]).toEqual([0x32, 0x0a, 8, 8]);
  });

  it('rejects a nonsensical limit', () => {
    expect(() => new RecordIODecoder({ maxRecordBytes: -1 })).toThrow(RangeError);
  });
});
