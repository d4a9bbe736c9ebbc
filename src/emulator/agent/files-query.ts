/**
 * The pure half of the sandbox file API (`/files/*`): query validation with Mesos 1.12's exact
 * messages, the read window arithmetic, and virtual-path lookup. No file system access here.
 */

/** Mesos caps one `/files/read` at 16 pages. */
const PAGE_SIZE = 4096;
export const MAX_READ_LENGTH = 16 * PAGE_SIZE;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * stout's `numify<int64>`: optional sign and decimal digits, or `0x`/`-0x` hex; nothing else (no
 * spaces, no fractions). Returns an error text in stout's words.
 */
export function parseMesosInteger(text: string): Parsed<number> {
  const failure = { ok: false as const, message: `Failed to convert '${text}' to number` };
  let value: bigint;
  if (/^[+-]?\d+$/.test(text)) {
    value = BigInt(text);
  } else if (/^-?0[xX][0-9a-fA-F]+$/.test(text)) {
    const negative = text.startsWith('-');
    value = BigInt(negative ? text.slice(1) : text);
    if (negative) value = -value;
  } else {
    return failure;
  }
  if (value > 0x7fffffffffffffffn || value < -0x8000000000000000n) return failure;
  return { ok: true, value: Number(value) };
}

export interface ReadRequest {
  path: string;
  /** -1 means "tell me the size". */
  offset: number;
  /** undefined: to the end of the file (capped). */
  length: number | undefined;
  jsonp: string | undefined;
}

/** Validates `/files/read` parameters in the order Mesos does; `message` is the 400 body. */
export function parseReadQuery(query: URLSearchParams): Parsed<ReadRequest> {
  const path = query.get('path');
  if (path === null || path === '') return { ok: false, message: "Expecting 'path=value' in query." };

  let offset = -1;
  const offsetText = query.get('offset');
  if (offsetText !== null) {
    const parsed = parseMesosInteger(offsetText);
    if (!parsed.ok) return { ok: false, message: `Failed to parse offset: ${parsed.message}.` };
    if (parsed.value < -1) return { ok: false, message: `Negative offset provided: ${parsed.value}.` };
    offset = parsed.value;
  }

  let length: number | undefined;
  const lengthText = query.get('length');
  if (lengthText !== null) {
    const parsed = parseMesosInteger(lengthText);
    if (!parsed.ok) return { ok: false, message: `Failed to parse length: ${parsed.message}.` };
    if (parsed.value < -1) return { ok: false, message: `Negative length provided: ${parsed.value}.` };
    // The web UI's pailer sends length=-1 meaning "no length".
    if (parsed.value > -1) length = parsed.value;
  }

  return { ok: true, value: { path, offset, length, jsonp: query.get('jsonp') ?? undefined } };
}

export interface ReadWindow {
  /** Byte position to read from, and how many bytes (0: read nothing). */
  start: number;
  count: number;
  /** The `offset` field of the reply. */
  replyOffset: number;
}

/**
 * Mesos 1.12 semantics: `offset=-1` answers the size and no data; an offset at or past the end
 * answers no data and echoes the requested offset; `length` defaults to the rest of the file; every
 * read is capped at MAX_READ_LENGTH.
 */
export function readWindow(offset: number, length: number | undefined, size: number): ReadWindow {
  if (offset === -1) return { start: 0, count: 0, replyOffset: size };
  if (offset >= size) return { start: offset, count: 0, replyOffset: offset };
  const wanted = length ?? size - offset;
  return { start: offset, count: Math.min(wanted, MAX_READ_LENGTH, size - offset), replyOffset: offset };
}

/** Accepts `file://` URIs like Mesos' `path::from_uri`. */
export function fromUri(path: string): string {
  return path.startsWith('file://') ? path.slice('file://'.length) : path;
}

/** `/a//b/` -> `/a/b`: the key form attached paths are stored and looked up in. */
export function normalizeVirtualPath(path: string): string {
  const collapsed = path.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/+$/, '') : collapsed;
}

export interface AttachedMatch {
  /** The attached virtual path that matched (the longest prefix of the request). */
  virtualPath: string;
  /** The rest of the request below it, as path segments (may contain `..`; the caller must contain it). */
  suffix: string[];
}

/** Longest attached prefix of `requested`, compared segment by segment (never as a raw string prefix). */
export function findAttached(attached: ReadonlySet<string> | ReadonlyMap<string, unknown>, requested: string): AttachedMatch | undefined {
  const tokens = normalizeVirtualPath(fromUri(requested)).split('/');
  const suffix: string[] = [];
  while (tokens.length > 0) {
    const prefix = tokens.join('/');
    if (prefix !== '' && attached.has(prefix)) return { virtualPath: prefix, suffix };
    suffix.unshift(tokens.pop()!);
  }
  return undefined;
}

/** True when `candidate` is `root` or below it (both absolute, already canonical). */
export function isWithin(root: string, candidate: string): boolean {
  if (candidate === root) return true;
  const base = root.endsWith('/') ? root : `${root}/`;
  return candidate.startsWith(base);
}

/** `ls -l`-style permission string, as Mesos puts in FileInfo JSON (`-rw-r--r--`, `drwxr-xr-x`). */
export function formatMode(mode: number): string {
  const typeBits = mode & 0o170000;
  const typeChar =
    typeBits === 0o040000
      ? 'd'
      : typeBits === 0o120000
        ? 'l'
        : typeBits === 0o020000
          ? 'c'
          : typeBits === 0o060000
            ? 'b'
            : typeBits === 0o010000
              ? 'p'
              : typeBits === 0o140000
                ? 's'
                : '-';
  const triplet = (bits: number, special: boolean, specialChar: string): string => {
    const r = bits & 4 ? 'r' : '-';
    const w = bits & 2 ? 'w' : '-';
    const exec = (bits & 1) !== 0;
    const x = special ? (exec ? specialChar : specialChar.toUpperCase()) : exec ? 'x' : '-';
    return r + w + x;
  };
  return (
    typeChar +
    triplet((mode >> 6) & 7, (mode & 0o4000) !== 0, 's') +
    triplet((mode >> 3) & 7, (mode & 0o2000) !== 0, 's') +
    triplet(mode & 7, (mode & 0o1000) !== 0, 't')
  );
}

/** Mesos' mime table (libprocess `mime.hpp`, the entries a sandbox is likely to hold). */
const MIME_TYPES: Record<string, string> = {
  '.sh': 'application/x-sh',
  '.js': 'application/x-javascript',
  '.css': 'text/css',
  '.pdf': 'application/pdf',
  '.jpe': 'image/jpeg',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.py': 'text/x-python',
  '.xml': 'text/xml',
  '.tsv': 'text/tab-separated-values',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.gif': 'image/gif',
  '.png': 'image/png',
  '.txt': 'text/plain',
  '.c': 'text/plain',
  '.h': 'text/plain',
  '.pl': 'text/plain',
  '.bat': 'text/plain',
  '.ksh': 'text/plain',
  '.tar': 'application/x-tar',
  '.gtar': 'application/x-gtar',
  '.zip': 'application/zip',
  '.bin': 'application/octet-stream',
  '.so': 'application/octet-stream',
  '.mp4': 'video/mp4',
};

/** Content-Type of a download: by the last extension, else application/octet-stream. */
export function downloadContentType(basename: string): string {
  const dot = basename.lastIndexOf('.');
  if (dot <= 0) return 'application/octet-stream';
  return MIME_TYPES[basename.slice(dot)] ?? 'application/octet-stream';
}
