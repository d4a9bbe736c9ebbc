/**
 * Java `.properties` files, read the way `java.util.Properties.load` reads them and kept as a
 * document of lines so that an untouched document prints back byte for byte and an edit changes
 * only the lines it has to.
 *
 * Reading rules (Properties.load of Java 9 and later; checked against OpenJDK 17):
 * - a natural line ends at `\n`, `\r\n` or `\r`; leading spaces, tabs and form feeds are skipped;
 * - a line whose first non-blank character is `#` or `!` is a comment, and a comment never
 *   continues onto the next line;
 * - a line ending in an odd number of backslashes continues on the next natural line, whose
 *   leading blanks are dropped; at the end of the input the dangling backslash is dropped;
 * - the key ends at the first unescaped `=`, `:` or blank; blanks around one `=`/`:` are skipped;
 * - escapes: `\uXXXX`, `\t \n \r \f`, and `\x` = `x` for any other character.
 * Java 8 differs in one corner only: after a natural line holding nothing but a backslash, it
 * would not treat the next line as a comment.
 */
import { ConfigError } from '../shared/errors.js';

export type LineEnding = '\n' | '\r\n' | '\r';

/** How characters outside ASCII are written into keys and values. */
export type NonAsciiStyle = 'escape' | 'raw';

export interface PropertyEntry {
  readonly key: string;
  readonly value: string;
  /** 1-based number of the natural line the entry starts on. */
  readonly line: number;
  /** The entry as written: all its natural lines, without the final line ending. */
  readonly raw: string;
}

export interface ParseOptions {
  /** Named in errors, e.g. the path of the file. */
  readonly fileName?: string;
}

export interface WriteOptions {
  /**
   * Alluxio loads site properties with `Properties.load(InputStream)`, which decodes ISO-8859-1,
   * so raw UTF-8 would reach Alluxio garbled. `escape` (the default) writes `\uXXXX`, which every
   * Java reader decodes the same way.
   */
  readonly nonAscii?: NonAsciiStyle;
}

interface TriviaLine {
  readonly kind: 'blank' | 'comment';
  readonly raw: string;
  eol: string;
}

interface EntryLines {
  readonly kind: 'entry';
  /** Every natural line of the entry, with the terminators between them, without the last one. */
  raw: string;
  eol: string;
  lineCount: number;
  /** Ends in an escaped line break with nothing after it (only possible at the end of the input). */
  dangling: boolean;
  /** Leading blanks of the first natural line. */
  indent: string;
  /** The logical line: continuations joined, leading blanks of each natural line dropped. */
  logical: string;
  keyEnd: number;
  valueStart: number;
  key: string;
  value: string;
}

type Node = TriviaLine | EntryLines;

interface NaturalLine {
  readonly text: string;
  readonly eol: string;
}

const BOM = '\uFEFF';
const DEFAULT_EOL: LineEnding = '\n';

/**
 * What lookups need, built once per version of the document (any edit drops it), so that reading
 * every key of a large file is linear: a lookup scanning every line, once per key, made a file of
 * 700,000 keys take minutes.
 */
interface DocumentIndex {
  readonly entries: readonly PropertyEntry[];
  /** Each key's last occurrence (the one Java uses): its node and its entry. */
  readonly last: ReadonlyMap<string, { readonly node: EntryLines; readonly entry: PropertyEntry }>;
  readonly lineEnding: LineEnding;
}

export class PropertiesDocument {
  private nodes: Node[];
  private bom: boolean;
  private readonly fallbackEol: LineEnding;
  private cached: DocumentIndex | undefined;

  private constructor(nodes: Node[], bom: boolean, fallbackEol: LineEnding) {
    this.nodes = nodes;
    this.bom = bom;
    this.fallbackEol = fallbackEol;
  }

  /** Parses `text`; throws ConfigError (with file and line) on a malformed `\u` escape. */
  static parse(text: string, options: ParseOptions = {}): PropertiesDocument {
    const bom = text.startsWith(BOM);
    const body = bom ? text.slice(BOM.length) : text;
    return new PropertiesDocument(parseNodes(body, options.fileName), bom, DEFAULT_EOL);
  }

  /** A document with no lines; `eol` is used until the document has lines of its own. */
  static empty(options: { eol?: LineEnding } = {}): PropertiesDocument {
    return new PropertiesDocument([], false, options.eol ?? DEFAULT_EOL);
  }

  /** Whether the text starts with a byte-order mark (kept on output; Java does not skip it). */
  get hasBom(): boolean {
    return this.bom;
  }

  /** The line ending used most often (ties go to `\n`), used for lines this document adds. */
  get lineEnding(): LineEnding {
    return this.index().lineEnding;
  }

  toString(): string {
    const parts: string[] = this.bom ? [BOM] : [];
    for (const node of this.nodes) parts.push(node.raw, node.eol);
    return parts.join('');
  }

  clone(): PropertiesDocument {
    return new PropertiesDocument(
      this.nodes.map((node) => ({ ...node })),
      this.bom,
      this.fallbackEol,
    );
  }

  /** The value Java would see: the last occurrence of the key. */
  get(key: string): string | undefined {
    return this.lastEntry(key)?.value;
  }

  has(key: string): boolean {
    return this.lastEntry(key) !== undefined;
  }

  /** Distinct keys in the order they first appear. */
  keys(): string[] {
    const seen = new Set<string>();
    for (const node of this.nodes) if (node.kind === 'entry') seen.add(node.key);
    return [...seen];
  }

  /** Every entry in file order, duplicates included. */
  entries(): readonly PropertyEntry[] {
    return this.index().entries;
  }

  /** The entry Java would use for `key` (its last occurrence), with its line. */
  entry(key: string): PropertyEntry | undefined {
    return this.index().last.get(key)?.entry;
  }

  /**
   * Sets `key`. An existing key is edited in place at its last occurrence, keeping indentation,
   * the key as written, the separator and the line ending; its continuation lines collapse into
   * one. A new key is appended at the end. Setting the current value changes nothing.
   */
  set(key: string, value: string, options: WriteOptions = {}): void {
    const style = options.nonAscii ?? 'escape';
    const existing = this.lastEntry(key);
    if (existing !== undefined) {
      if (existing.value === value) return;
      rewriteEntry(existing, value, style);
      this.edited();
      return;
    }
    this.prepareAppend();
    const raw = `${escapeKey(key, style)}=${escapeValue(value, style)}`;
    this.nodes.push(entryFromRaw(raw, this.lineEnding, key, value));
    this.edited();
  }

  /**
   * Rewrites the value of every entry (shadowed duplicates too) to what `rewrite` returns, e.g. to
   * mask secrets everywhere before showing the file. Returns how many lines changed.
   */
  rewriteValues(rewrite: (key: string, value: string) => string, options: WriteOptions = {}): number {
    let changed = 0;
    for (const node of this.nodes) {
      if (node.kind !== 'entry') continue;
      const value = rewrite(node.key, node.value);
      if (value === node.value) continue;
      rewriteEntry(node, value, options.nonAscii ?? 'escape');
      changed++;
    }
    if (changed > 0) this.edited();
    return changed;
  }

  /** Removes every occurrence of `key`; returns whether there was one. */
  delete(key: string): boolean {
    const before = this.nodes.length;
    this.nodes = this.nodes.filter((node) => node.kind !== 'entry' || node.key !== key);
    this.edited();
    return this.nodes.length !== before;
  }

  /** Appends `# text` lines (one per line of `text`; an empty line becomes `#`). */
  appendComment(text: string): void {
    for (const line of text.split(/\r\n|\r|\n/)) {
      this.prepareAppend();
      this.nodes.push({ kind: 'comment', raw: line === '' ? '#' : `# ${line}`, eol: this.lineEnding });
      this.edited();
    }
  }

  appendBlankLine(): void {
    this.prepareAppend();
    this.nodes.push({ kind: 'blank', raw: '', eol: this.lineEnding });
    this.edited();
  }

  private lastEntry(key: string): EntryLines | undefined {
    return this.index().last.get(key)?.node;
  }

  private index(): DocumentIndex {
    if (this.cached !== undefined) return this.cached;
    const entries: PropertyEntry[] = [];
    const last = new Map<string, { node: EntryLines; entry: PropertyEntry }>();
    const eolCounts = new Map<string, number>();
    let line = 1;
    for (const node of this.nodes) {
      if (node.eol !== '') eolCounts.set(node.eol, (eolCounts.get(node.eol) ?? 0) + 1);
      if (node.kind === 'entry') {
        const entry: PropertyEntry = { key: node.key, value: node.value, line, raw: node.raw };
        entries.push(entry);
        last.set(node.key, { node, entry });
        line += node.lineCount;
      } else {
        line++;
      }
    }
    let lineEnding: LineEnding = this.fallbackEol;
    let bestCount = 0;
    for (const eol of ['\n', '\r\n', '\r'] as const) {
      const count = eolCounts.get(eol) ?? 0;
      if (count > bestCount) {
        lineEnding = eol;
        bestCount = count;
      }
    }
    this.cached = { entries, last, lineEnding };
    return this.cached;
  }

  /** Every edit goes through here: the index describes the document as it was. */
  private edited(): void {
    this.cached = undefined;
  }

  /** Makes sure a line added after the current last line stays a line of its own. */
  private prepareAppend(): void {
    const last = this.nodes[this.nodes.length - 1];
    if (last === undefined) return;
    // A trailing escaped line break would swallow the appended line; write the entry out afresh.
    if (!(last.kind === 'entry' && last.dangling) && last.eol !== '') return;
    const eol = this.lineEnding;
    if (last.kind === 'entry' && last.dangling) rewriteEntry(last, last.value, 'escape');
    if (last.eol === '') last.eol = eol;
    this.edited();
  }
}

export function parse(text: string, options: ParseOptions = {}): PropertiesDocument {
  return PropertiesDocument.parse(text, options);
}

// ---------------------------------------------------------------------------------------------
// Reading

function splitNaturalLines(text: string): NaturalLine[] {
  const lines: NaturalLine[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) {
      const eolLength = c === 0x0d && text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
      lines.push({ text: text.slice(start, i), eol: text.slice(i, i + eolLength) });
      i += eolLength;
      start = i;
    } else {
      i++;
    }
  }
  if (start < text.length) lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\f';
}

function leadingBlanks(text: string): number {
  let i = 0;
  while (i < text.length && isBlank(text[i])) i++;
  return i;
}

function endsWithOddBackslashes(text: string): boolean {
  let count = 0;
  for (let i = text.length - 1; i >= 0 && text[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

function parseNodes(text: string, fileName: string | undefined): Node[] {
  const lines = splitNaturalLines(text);
  const nodes: Node[] = [];
  let index = 0;
  while (index < lines.length) {
    const first = lines[index] as NaturalLine;
    const firstLineNumber = index + 1;
    const indentLength = leadingBlanks(first.text);
    const content = first.text.slice(indentLength);
    if (content === '') {
      nodes.push({ kind: 'blank', raw: first.text, eol: first.eol });
      index++;
      continue;
    }
    if (content[0] === '#' || content[0] === '!') {
      nodes.push({ kind: 'comment', raw: first.text, eol: first.eol });
      index++;
      continue;
    }
    // A lone backslash continues an empty logical line; since Java 9 the reader then starts the
    // next natural line afresh (blank lines and comments are skipped as usual), so the line adds
    // nothing. Only at the very end does it make an entry with an empty key (as Java's does).
    if (content === '\\' && first.eol !== '' && index + 1 < lines.length) {
      nodes.push({ kind: 'blank', raw: first.text, eol: first.eol });
      index++;
      continue;
    }

    // Each segment is one natural line's share of the logical line; remember where it starts so
    // that an error inside the logical line can name its natural line.
    const segmentStarts: Array<{ offset: number; line: number }> = [];
    let logical = '';
    let raw = first.text;
    let eol = first.eol;
    let segment = content;
    let lineCount = 1;
    let dangling = false;
    index++;
    for (;;) {
      segmentStarts.push({ offset: logical.length, line: firstLineNumber + lineCount - 1 });
      if (!endsWithOddBackslashes(segment)) {
        logical += segment;
        break;
      }
      logical += segment.slice(0, -1);
      const next = lines[index];
      if (next === undefined || eol === '') {
        dangling = true;
        break;
      }
      raw += eol + next.text;
      eol = next.eol;
      segment = next.text.slice(leadingBlanks(next.text));
      lineCount++;
      index++;
    }

    const { keyEnd, valueStart } = splitKeyValue(logical);
    const lineAt = (offset: number): number => {
      let line = firstLineNumber;
      for (const start of segmentStarts) if (start.offset <= offset) line = start.line;
      return line;
    };
    const key = unescape(logical, 0, keyEnd, (offset) => malformed(fileName, lineAt(offset)));
    const value = unescape(logical, valueStart, logical.length, (offset) => malformed(fileName, lineAt(offset), key));
    nodes.push({
      kind: 'entry',
      raw,
      eol,
      lineCount,
      dangling,
      indent: first.text.slice(0, indentLength),
      logical,
      keyEnd,
      valueStart,
      key,
      value,
    });
  }
  return nodes;
}

/** Java's split of a logical line into the key and the start of the value. */
function splitKeyValue(logical: string): { keyEnd: number; valueStart: number } {
  const limit = logical.length;
  let keyEnd = 0;
  let valueStart = limit;
  let hasSeparator = false;
  let precedingBackslash = false;
  while (keyEnd < limit) {
    const c = logical[keyEnd];
    if ((c === '=' || c === ':') && !precedingBackslash) {
      valueStart = keyEnd + 1;
      hasSeparator = true;
      break;
    }
    if (isBlank(c) && !precedingBackslash) {
      valueStart = keyEnd + 1;
      break;
    }
    precedingBackslash = c === '\\' ? !precedingBackslash : false;
    keyEnd++;
  }
  while (valueStart < limit) {
    const c = logical[valueStart];
    if (!isBlank(c)) {
      if (!hasSeparator && (c === '=' || c === ':')) hasSeparator = true;
      else break;
    }
    valueStart++;
  }
  return { keyEnd, valueStart };
}

function malformed(fileName: string | undefined, line: number, key?: string): ConfigError {
  const where = fileName === undefined ? `line ${line}` : `${fileName} line ${line}`;
  return new ConfigError(
    `Malformed \\uxxxx encoding in ${where}`,
    { ...(key === undefined ? {} : { key }), ...(fileName === undefined ? {} : { file: fileName }), line },
    { hint: 'write \\u followed by exactly four hex digits (e.g. \\u00e9), or \\\\u for a literal backslash-u' },
  );
}

const HEX = /^[0-9a-fA-F]{4}$/;

function unescape(text: string, start: number, end: number, onMalformed: (offset: number) => Error): string {
  // Runs without a backslash are copied as one slice: a character at a time, a value of 20 MB
  // took seconds and most of the memory in garbage.
  const parts: string[] = [];
  let i = start;
  while (i < end) {
    const backslash = text.indexOf('\\', i);
    if (backslash < 0 || backslash >= end) {
      parts.push(text.slice(i, end));
      break;
    }
    if (backslash > i) parts.push(text.slice(i, backslash));
    i = backslash;
    const escaped = text[i + 1];
    if (escaped === undefined || i + 1 >= end) {
      // Only reachable through a dangling backslash, which the reader already dropped.
      i++;
      continue;
    }
    if (escaped === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (i + 6 > end || !HEX.test(hex)) throw onMalformed(i);
      parts.push(String.fromCharCode(Number.parseInt(hex, 16)));
      i += 6;
      continue;
    }
    parts.push(escaped === 't' ? '\t' : escaped === 'n' ? '\n' : escaped === 'r' ? '\r' : escaped === 'f' ? '\f' : escaped);
    i += 2;
  }
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// Writing

function unicodeEscape(code: number): string {
  return `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function escapeChar(text: string, i: number, style: NonAsciiStyle): { out: string; width: number } {
  const code = text.charCodeAt(i);
  switch (text[i]) {
    case '\\':
      return { out: '\\\\', width: 1 };
    case '\t':
      return { out: '\\t', width: 1 };
    case '\n':
      return { out: '\\n', width: 1 };
    case '\r':
      return { out: '\\r', width: 1 };
    case '\f':
      return { out: '\\f', width: 1 };
  }
  if (code < 0x20 || code === 0x7f) return { out: unicodeEscape(code), width: 1 };
  if (code < 0x80) return { out: text[i] as string, width: 1 };
  if (style === 'escape') return { out: unicodeEscape(code), width: 1 };
  // Raw: keep well-formed characters, escape lone surrogates (they have no UTF-8 form).
  if (code >= 0xd800 && code <= 0xdbff) {
    const low = text.charCodeAt(i + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return { out: text.slice(i, i + 2), width: 2 };
    return { out: unicodeEscape(code), width: 1 };
  }
  if (code >= 0xdc00 && code <= 0xdfff) return { out: unicodeEscape(code), width: 1 };
  return { out: text[i] as string, width: 1 };
}

/** A key as Java's `store` writes it: blanks and `= : # !` escaped everywhere. */
export function escapeKey(key: string, style: NonAsciiStyle = 'escape'): string {
  let out = '';
  for (let i = 0; i < key.length;) {
    const c = key[i];
    if (c === ' ' || c === '=' || c === ':' || c === '#' || c === '!') {
      out += `\\${c}`;
      i++;
      continue;
    }
    const { out: piece, width } = escapeChar(key, i, style);
    out += piece;
    i += width;
  }
  return out;
}

/**
 * A value for the right-hand side of a separator. Only what the reader would otherwise change is
 * escaped: a leading blank or `=`/`:` (the reader would skip it), backslashes and control
 * characters; `:` inside URLs stays readable.
 */
export function escapeValue(value: string, style: NonAsciiStyle = 'escape'): string {
  let out = '';
  for (let i = 0; i < value.length;) {
    const c = value[i];
    if (i === 0 && (c === ' ' || c === '=' || c === ':')) {
      out += `\\${c}`;
      i++;
      continue;
    }
    const { out: piece, width } = escapeChar(value, i, style);
    out += piece;
    i += width;
  }
  return out;
}

function rewriteEntry(entry: EntryLines, value: string, style: NonAsciiStyle): void {
  const keyText = entry.logical.slice(0, entry.keyEnd);
  const separator = entry.logical.slice(entry.keyEnd, entry.valueStart);
  const raw = `${entry.indent}${keyText}${separator === '' ? '=' : separator}${escapeValue(value, style)}`;
  Object.assign(entry, entryFromRaw(raw, entry.eol, entry.key, value));
}

function entryFromRaw(raw: string, eol: string, key: string, value: string): EntryLines {
  const indentLength = leadingBlanks(raw);
  const logical = raw.slice(indentLength);
  const { keyEnd, valueStart } = splitKeyValue(logical);
  return {
    kind: 'entry',
    raw,
    eol,
    lineCount: 1,
    dangling: false,
    indent: raw.slice(0, indentLength),
    logical,
    keyEnd,
    valueStart,
    key,
    value,
  };
}
