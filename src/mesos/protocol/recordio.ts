/**
 * RecordIO framing as used by the Mesos v1 HTTP streams: `<decimal byte length>\n<bytes>`, repeated,
 * with nothing between one record's payload and the next length.
 *
 * Everything here works on bytes. The length counts bytes, so decoding text before framing (as
 * several Node Mesos clients do) breaks on the first multi-byte UTF-8 character or when a chunk ends
 * inside one.
 */
import { AlluxioMesosError, ExitCode } from '../../shared/errors.js';

/** Base class of every framing failure. A decoder that threw one stays failed. */
export class RecordIOError extends AlluxioMesosError {
  /** Records completed in the failing `feed()` call before the fault; they are valid. */
  records: Buffer[] = [];

  constructor(message: string) {
    super(message, ExitCode.FAILED, { hint: 'The Mesos event stream is corrupt; reconnect and resubscribe.' });
  }
}

export type RecordIOHeaderProblem = 'not-a-digit' | 'too-long' | 'empty';

/**
 * The length header is not a plain decimal number: a byte that is not a digit (junk before or
 * inside the header, a sign, whitespace, a CR), more digits than allowed, or no digits at all.
 */
export class RecordIOHeaderError extends RecordIOError {
  readonly problem: RecordIOHeaderProblem;

  constructor(message: string, problem: RecordIOHeaderProblem) {
    super(message);
    this.problem = problem;
  }
}

/** A record announced more bytes than the decoder accepts. */
export class RecordIOOversizedRecordError extends RecordIOError {
  readonly size: number;
  readonly limit: number;

  constructor(size: number, limit: number) {
    super(`RecordIO record of ${size} bytes exceeds the limit of ${limit} bytes (maxRecordBytes)`);
    this.size = size;
    this.limit = limit;
  }
}

/** The stream ended inside a length header or a record. */
export class RecordIOUnderrunError extends RecordIOError {}

const NEWLINE = 0x0a;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** 20 digits hold any uint64, the type Mesos uses for the length. */
const DEFAULT_MAX_HEADER_DIGITS = 20;

/** Frames one record. */
export function encodeRecord(payload: Uint8Array): Buffer {
  const header = Buffer.from(`${payload.byteLength}\n`, 'latin1');
  return Buffer.concat([header, payload], header.byteLength + payload.byteLength);
}

export interface RecordIODecoderOptions {
  /** Largest record accepted, in bytes; a larger length header fails the decoder before any payload is buffered. */
  maxRecordBytes: number;
  /** Longest length header accepted, in digits (default 20). */
  maxHeaderDigits?: number;
}

/**
 * Push decoder: `feed()` every chunk as it arrives and get back the records it completed. Any
 * chunking works: several records in one chunk, one record over many chunks, a length header split
 * between chunks.
 *
 * - Zero-length records (`0\n`) are legal framing and are skipped: `feed()` never returns an empty
 *   record.
 * - Returned records may be views into the chunk that was fed (no copy when a record lies inside one
 *   chunk); copy them if that chunk's memory is reused.
 * - On a framing fault `feed()` throws a `RecordIOError` subclass carrying, in `records`, the records
 *   that chunk completed before the fault. Every later `feed()`/`end()` throws the same error.
 */
export class RecordIODecoder {
  private readonly maxRecordBytes: number;
  private readonly maxHeaderDigits: number;
  private failure: RecordIOError | undefined;

  /** Digits of the length header read so far (0 when between records). */
  private headerDigits = 0;
  private headerValue = 0;
  /** The record being filled, once its header is complete; undefined while reading a header. */
  private pending: Buffer | undefined;
  private pendingFilled = 0;

  constructor(options: RecordIODecoderOptions) {
    if (!Number.isSafeInteger(options.maxRecordBytes) || options.maxRecordBytes < 0) {
      throw new RangeError(`maxRecordBytes must be a non-negative integer, got ${options.maxRecordBytes}`);
    }
    this.maxRecordBytes = options.maxRecordBytes;
    this.maxHeaderDigits = options.maxHeaderDigits ?? DEFAULT_MAX_HEADER_DIGITS;
  }

  /** True once a framing fault was seen. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** True when the decoder sits between records (nothing buffered). */
  get idle(): boolean {
    return this.pending === undefined && this.headerDigits === 0;
  }

  feed(chunk: Uint8Array): Buffer[] {
    if (this.failure !== undefined) throw this.failure;
    const records: Buffer[] = [];
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let pos = 0;
    try {
      while (pos < bytes.length) {
        if (this.pending !== undefined) {
          pos = this.fillPending(bytes, pos, records);
        } else {
          pos = this.readHeader(bytes, pos, records);
        }
      }
    } catch (error) {
      if (error instanceof RecordIOError) {
        error.records = records;
        this.failure = error;
      }
      throw error;
    }
    return records;
  }

  /** Declares the end of the stream; throws if a header or record is incomplete. */
  end(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.pending !== undefined) {
      this.failure = new RecordIOUnderrunError(
        `RecordIO stream ended inside a record: got ${this.pendingFilled} of ${this.pending.length} bytes`,
      );
      throw this.failure;
    }
    if (this.headerDigits > 0) {
      this.failure = new RecordIOUnderrunError(`RecordIO stream ended inside a length header after ${this.headerDigits} digit(s)`);
      throw this.failure;
    }
  }

  private readHeader(bytes: Buffer, start: number, records: Buffer[]): number {
    let pos = start;
    while (pos < bytes.length) {
      const byte = bytes[pos] as number;
      if (byte === NEWLINE) {
        if (this.headerDigits === 0) throw new RecordIOHeaderError('RecordIO length header is empty', 'empty');
        return this.startRecord(bytes, pos + 1, records);
      }
      if (byte < DIGIT_0 || byte > DIGIT_9) {
        throw new RecordIOHeaderError(
          `RecordIO length header must be decimal digits, got byte 0x${byte.toString(16).padStart(2, '0')} ` +
            `after ${this.headerDigits} digit(s)`,
          'not-a-digit',
        );
      }
      this.headerDigits += 1;
      if (this.headerDigits > this.maxHeaderDigits) {
        throw new RecordIOHeaderError(`RecordIO length header is longer than ${this.maxHeaderDigits} digits`, 'too-long');
      }
      // Precision is irrelevant past the limit: anything that large is rejected as oversized.
      this.headerValue = this.headerValue * 10 + (byte - DIGIT_0);
      pos += 1;
    }
    return pos;
  }

  private startRecord(bytes: Buffer, payloadStart: number, records: Buffer[]): number {
    const length = this.headerValue;
    this.headerDigits = 0;
    this.headerValue = 0;
    if (length > this.maxRecordBytes) {
      throw new RecordIOOversizedRecordError(length, this.maxRecordBytes);
    }
    if (length === 0) return payloadStart;
    if (bytes.length - payloadStart >= length) {
      records.push(bytes.subarray(payloadStart, payloadStart + length));
      return payloadStart + length;
    }
    this.pending = Buffer.allocUnsafe(length);
    this.pendingFilled = 0;
    return this.fillPending(bytes, payloadStart, records);
  }

  private fillPending(bytes: Buffer, start: number, records: Buffer[]): number {
    const pending = this.pending as Buffer;
    const wanted = pending.length - this.pendingFilled;
    const available = Math.min(wanted, bytes.length - start);
    bytes.copy(pending, this.pendingFilled, start, start + available);
    this.pendingFilled += available;
    if (this.pendingFilled === pending.length) {
      records.push(pending);
      this.pending = undefined;
      this.pendingFilled = 0;
    }
    return start + available;
  }
}
