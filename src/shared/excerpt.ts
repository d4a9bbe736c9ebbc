/**
 * What an error message quotes of text it did not write (a peer's error page, a value from a file):
 * one line, of bounded length. The rest of a 64 KiB error page or a 20,000-character value helps
 * nobody and would push the message (which must stay one line) off the screen.
 */
import { printable } from './printable.js';

/** The default length of a quote: enough for any Mesos error reason and any sane value. */
const QUOTE_CHARS = 200;

/** The first line of `text` (a peer's error body), cut at `max` characters. */
export function firstLine(text: string, max = QUOTE_CHARS): string {
  const line = text.split(/\r\n|\r|\n/, 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max)}...` : line;
}

/**
 * `text` (a value that may hold line breaks) on one line: every control character escaped (`\n`,
 * `\x1b`), then cut at `max` characters with the full length named.
 */
export function oneLineQuote(text: string, max = QUOTE_CHARS): string {
  const shown = printable(text);
  return shown.length > max ? `${shown.slice(0, max)}... (${text.length} characters)` : shown;
}
