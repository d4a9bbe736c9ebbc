/**
 * Byte sizes as Alluxio writes them (`1GB`, `1024MB`, `512`), with binary multiples as in
 * Alluxio's `FormatUtils.parseSpaceSize`: 1KB = 1024 bytes.
 */
import { ConfigError } from '../shared/errors.js';

export const KB = 1024;
export const MB = KB * 1024;
export const GB = MB * 1024;
export const TB = GB * 1024;
export const PB = TB * 1024;

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: KB,
  kb: KB,
  ki: KB,
  kib: KB,
  m: MB,
  mb: MB,
  mi: MB,
  mib: MB,
  g: GB,
  gb: GB,
  gi: GB,
  gib: GB,
  t: TB,
  tb: TB,
  ti: TB,
  tib: TB,
  p: PB,
  pb: PB,
  pi: PB,
  pib: PB,
};

// A decimal as Java's Double.parseDouble reads it (no sign: sizes are never negative).
const NUMBER = String.raw`(\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
const STRICT = new RegExp(String.raw`^\s*\+?(${NUMBER})([a-zA-Z]*)$`);
const LENIENT = new RegExp(String.raw`^\s*\+?(${NUMBER})\s*([a-zA-Z]*)\s*$`);

// Alluxio adds this before truncating so that e.g. 1.1 * 1024 does not fall one byte short.
const ALPHA = 0.0001;

export interface ParseByteSizeOptions {
  /**
   * Accept only what Alluxio itself accepts: no blank between the number and the unit, nothing
   * after the unit (Alluxio reads `1.5 GB` as the unit " gb" and fails). Default false, which
   * also accepts `1.5 GB` as typed at a prompt.
   */
  readonly strict?: boolean;
}

/** Parses `1GB`, `1.5 GB`, `512` (bytes), `10k`...; throws ConfigError when it cannot. */
export function parseByteSize(text: string, options: ParseByteSizeOptions = {}): number {
  const match = (options.strict === true ? STRICT : LENIENT).exec(text);
  const hint = 'write a number with an optional unit B, KB, MB, GB, TB or PB, e.g. 1GB or 512MB';
  if (match === null) {
    if (options.strict === true && LENIENT.test(text)) {
      throw new ConfigError(
        `"${text}" is not a size Alluxio can read`,
        {},
        {
          hint: `remove the blank between the number and the unit: ${text.replace(/\s+/g, '')}`,
        },
      );
    }
    throw new ConfigError(`"${text}" is not a byte size`, {}, { hint });
  }
  const amount = Number(match[1]);
  const unit = UNITS[(match[3] ?? '').toLowerCase()];
  if (unit === undefined) {
    throw new ConfigError(`"${text}" has an unknown unit "${match[3] ?? ''}"`, {}, { hint });
  }
  const bytes = Math.floor(amount * unit + ALPHA);
  if (!Number.isSafeInteger(bytes)) {
    throw new ConfigError(`"${text}" is too large`, {}, { hint: 'sizes up to 8PB are supported' });
  }
  return bytes;
}

const DISPLAY_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['PB', PB],
  ['TB', TB],
  ['GB', GB],
  ['MB', MB],
  ['KB', KB],
];

/** For people: `1GB`, `1.5GB`, `1.33GB`, `512B` (at most two decimals, trailing zeros dropped). */
export function formatByteSize(bytes: number): string {
  for (const [name, size] of DISPLAY_UNITS) {
    if (bytes >= size) return `${trimDecimals((bytes / size).toFixed(2))}${name}`;
  }
  return `${bytes}B`;
}

/**
 * For configuration files: the largest unit that divides `bytes` exactly, so that Alluxio reads
 * back the same number (`1536MB`, `1GB`, `1000B`).
 */
export function formatByteSizeExact(bytes: number): string {
  for (const [name, size] of DISPLAY_UNITS) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${name}`;
  }
  return `${bytes}B`;
}

/**
 * Whole megabytes for Mesos `mem` resources, rounded up so that a task never asks for less than
 * the configured size (Alluxio's scheduler used integer division, which turns 1000KB into 0).
 */
export function bytesToMb(bytes: number): number {
  return Math.ceil(bytes / MB);
}

function trimDecimals(fixed: string): string {
  return fixed.replace(/\.?0+$/, '');
}
