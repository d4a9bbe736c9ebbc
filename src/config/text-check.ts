/**
 * Whether bytes read as a configuration file are text at all. A site file overwritten by something
 * else (a tar.gz written over it, a binary copied by mistake) must be an error naming the file, not
 * a source of keys: parsed as properties, gzip bytes become hundreds of "keys" of raw binary that
 * later commands print and `init` would keep.
 *
 * Text here is what people write in a properties file: any bytes except the C0 control characters
 * other than tab, line feed, vertical tab, form feed and carriage return. Bytes that are not UTF-8
 * stay text (Alluxio reads the file as ISO-8859-1, and so do we: see store.ts).
 */

/** Formats that start with a magic number, named in the error so that the mistake is plain. */
const MAGIC: ReadonlyArray<{ readonly what: string; readonly bytes: readonly number[] }> = [
  { what: 'gzip-compressed data, e.g. a .tar.gz', bytes: [0x1f, 0x8b] },
  { what: 'a zip archive', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { what: 'xz-compressed data', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { what: 'zstd-compressed data', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { what: 'an executable', bytes: [0x7f, 0x45, 0x4c, 0x46] },
];

function isTextControl(byte: number): boolean {
  return byte >= 0x09 && byte <= 0x0d;
}

/** Why `bytes` are not text (one phrase), or undefined when they are. */
export function notTextReason(bytes: Uint8Array): string | undefined {
  for (const { what, bytes: magic } of MAGIC) {
    if (bytes.length >= magic.length && magic.every((byte, i) => bytes[i] === byte)) return `it holds ${what}`;
  }
  let line = 1;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte === 0x0a) line++;
    if (byte >= 0x20 || isTextControl(byte)) continue;
    const name = byte === 0 ? 'a NUL byte' : `the control byte 0x${byte.toString(16).padStart(2, '0')}`;
    return `${name} on line ${line}`;
  }
  return undefined;
}
