/**
 * Reading a property the way Alluxio does: under any of its spellings, trimmed, with `${key}`
 * references replaced, falling back to Alluxio's default.
 */
import { findSpec, spellingsOf } from './catalog.js';
import type { PropertiesDocument, PropertyEntry } from './properties.js';

export interface SetProperty {
  /** The spelling the file uses. */
  readonly key: string;
  /** As Alluxio reads it: trimmed (Alluxio trims values when it loads the file). */
  readonly value: string;
  readonly line: number;
}

/**
 * The occurrence of a property that wins: the last line, among all spellings, that sets it.
 * Undefined when the file does not set it.
 */
export function setProperty(doc: PropertiesDocument, key: string): SetProperty | undefined {
  let found: PropertyEntry | undefined;
  for (const name of spellingsOf(key)) {
    const entry = doc.entry(name);
    if (entry !== undefined && (found === undefined || entry.line > found.line)) found = entry;
  }
  return found === undefined ? undefined : { key: found.key, value: javaTrim(found.value), line: found.line };
}

/** The raw (not yet interpolated) value: the file's, else Alluxio's default. */
export function rawValue(doc: PropertiesDocument, key: string): string | undefined {
  return setProperty(doc, key)?.value ?? findSpec(key)?.default;
}

/**
 * The value with `${...}` references replaced from the file and the catalog defaults. References
 * that cannot be resolved are left as written.
 */
export function resolvedValue(doc: PropertiesDocument, key: string): string | undefined {
  const raw = rawValue(doc, key);
  if (raw === undefined) return undefined;
  return interpolate(raw, (name) => rawValue(doc, name));
}

const MAX_DEPTH = 16;

/** Replaces `${name}` by `lookup(name)`, recursively; unknown names and cycles stay as written. */
export function interpolate(value: string, lookup: (name: string) => string | undefined): string {
  const expand = (text: string, stack: readonly string[]): string =>
    text.replace(/\$\{([^{}]+)\}/g, (whole, name: string) => {
      if (stack.includes(name) || stack.length >= MAX_DEPTH) return whole;
      const replacement = lookup(name);
      return replacement === undefined ? whole : expand(replacement, [...stack, name]);
    });
  return expand(value, []);
}

/** Whether a resolved value still holds a `${...}` reference nothing could fill. */
export function hasUnresolvedReference(value: string): boolean {
  return /\$\{[^{}]+\}/.test(value);
}

/** Java's String.trim: strips every character up to and including U+0020 from both ends. */
export function javaTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= 0x20) start++;
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end--;
  return value.slice(start, end);
}
