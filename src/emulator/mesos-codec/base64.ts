/**
 * Base64 as Mesos (stout) decodes `bytes` fields from JSON: standard alphabet, whitespace ignored,
 * decoding stops at the first `=` (padding is not checked), a trailing partial group yields what it
 * can, and any other character is an error worded `Invalid character 'X'`.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SEXTET = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i += 1) SEXTET[ALPHABET.charCodeAt(i)] = i;

/** C `isspace` in the C locale. */
function isSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

export type Base64Result = { ok: true; bytes: Buffer } | { ok: false; error: string };

/** Decodes the UTF-8 bytes of `text` like stout's `base64::decode`. */
export function decodeBase64Lenient(text: string): Base64Result {
  const input = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(Math.floor((input.length * 3) / 4) + 3);
  let outLength = 0;
  let group = 0;
  let count = 0;
  for (const byte of input) {
    if (byte === 0x3d) break;
    if (isSpace(byte)) continue;
    const sextet = SEXTET[byte] as number;
    if (sextet < 0) {
      // stout prints the offending byte as a raw char.
      return { ok: false, error: `Invalid character '${Buffer.from([byte]).toString('latin1')}'` };
    }
    group = (group << 6) | sextet;
    count += 1;
    if (count === 4) {
      out[outLength++] = (group >> 16) & 0xff;
      out[outLength++] = (group >> 8) & 0xff;
      out[outLength++] = group & 0xff;
      group = 0;
      count = 0;
    }
  }
  if (count === 2) {
    out[outLength++] = (group >> 4) & 0xff;
  } else if (count === 3) {
    out[outLength++] = (group >> 10) & 0xff;
    out[outLength++] = (group >> 2) & 0xff;
  }
  return { ok: true, bytes: out.subarray(0, outLength) };
}
