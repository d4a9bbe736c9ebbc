/**
 * JSON the way Mesos' own writer (rapidjson) prints it, so the local master's and agents' endpoints
 * match recordings of real ones byte for byte: compact, keys in insertion order, `double` fields
 * always carry a decimal point (`2.0`, `1795548218.0`), integers never do, and file contents are
 * escaped byte by byte (a 64 KiB read may cut a UTF-8 sequence in two; the byte count, which
 * clients use as the next offset, must survive).
 *
 * JavaScript has one number type, so doubles are marked explicitly with `double(x)`.
 */

export class JsonDouble {
  constructor(readonly value: number) {}
}

/** A string given as raw bytes; written without decoding, control bytes escaped. */
export class JsonBytes {
  constructor(readonly bytes: Uint8Array) {}
}

export type JsonValue =
  null | boolean | number | string | JsonDouble | JsonBytes | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };

export function double(value: number): JsonDouble {
  return new JsonDouble(value);
}

/** `2` -> `2.0`, `0.2` -> `0.2`, `1e21` (no `+`); shortest round-trip digits otherwise (Mesos 1.12). */
export function formatDouble(value: number): string {
  if (!Number.isFinite(value)) return '0.0';
  const text = String(value);
  return /[.eE]/.test(text) ? text.replace('e+', 'e') : `${text}.0`;
}

function escapeString(text: string): string {
  // JSON.stringify already escapes '"', '\\' and C0 controls the same way; Mesos also escapes DEL.
  return JSON.stringify(text).replace(/\x7f/g, '\\u007f');
}

const SHORT_ESCAPES: Record<number, string> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
};

/** `"..."` for raw bytes: escapes quote, backslash, C0 controls and DEL; copies every other byte. */
export function jsonStringFromBytes(bytes: Uint8Array): Buffer {
  const parts: Buffer[] = [Buffer.from('"')];
  let runStart = 0;
  const flush = (end: number): void => {
    if (end > runStart) parts.push(Buffer.from(bytes.buffer, bytes.byteOffset + runStart, end - runStart));
  };
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte >= 0x20 && byte !== 0x22 && byte !== 0x5c && byte !== 0x7f) continue;
    flush(i);
    runStart = i + 1;
    parts.push(Buffer.from(SHORT_ESCAPES[byte] ?? `\\u${byte.toString(16).padStart(4, '0')}`));
  }
  flush(bytes.length);
  parts.push(Buffer.from('"'));
  return Buffer.concat(parts);
}

function write(value: JsonValue, out: Array<string | Buffer>): void {
  if (value === null) {
    out.push('null');
  } else if (typeof value === 'boolean') {
    out.push(value ? 'true' : 'false');
  } else if (typeof value === 'number') {
    out.push(Number.isFinite(value) ? String(Math.trunc(value)) : '0');
  } else if (typeof value === 'string') {
    out.push(escapeString(value));
  } else if (value instanceof JsonDouble) {
    out.push(formatDouble(value.value));
  } else if (value instanceof JsonBytes) {
    out.push(jsonStringFromBytes(value.bytes));
  } else if (Array.isArray(value)) {
    out.push('[');
    (value as readonly JsonValue[]).forEach((element, index) => {
      if (index > 0) out.push(',');
      write(element, out);
    });
    out.push(']');
  } else {
    out.push('{');
    let first = true;
    for (const [key, field] of Object.entries(value as Record<string, JsonValue | undefined>)) {
      if (field === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(escapeString(key), ':');
      write(field, out);
    }
    out.push('}');
  }
}

/** Serialises to text (for values without `JsonBytes`). */
export function stringifyMesosJson(value: JsonValue): string {
  return toMesosJson(value).toString('utf8');
}

/** Serialises to a Buffer (the only form that can carry `JsonBytes` exactly). */
export function toMesosJson(value: JsonValue): Buffer {
  const out: Array<string | Buffer> = [];
  write(value, out);
  return Buffer.concat(out.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)));
}
