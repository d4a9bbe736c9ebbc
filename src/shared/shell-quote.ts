/**
 * Quoting for POSIX `sh` command strings that Mesos runs with `/bin/sh -c`. Everything a user
 * controls goes through here or into a quoted here-document; nothing is ever interpolated raw.
 */

/** Characters that never need quoting, kept bare so that commands stay readable in the Mesos UI. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One shell word that expands to exactly `value`. Single quotes protect everything except a single
 * quote itself, which is written as `'\''` (close, escaped quote, reopen).
 */
export function shellQuote(value: string): string {
  assertNoNul(value, 'a shell word');
  if (value !== '' && SAFE_WORD.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A here-document delimiter that no line of `content` could be mistaken for, so a quoted
 * here-document (`<<'DELIM'`) reproduces `content` byte for byte whatever it holds.
 */
export function heredocDelimiter(content: string, base: string): string {
  const lines = new Set(content.split('\n').map((line) => line.trim()));
  let delimiter = base;
  for (let n = 1; lines.has(delimiter); n += 1) delimiter = `${base}_${n}`;
  return delimiter;
}

/**
 * `cat > path <<'DELIM' ... DELIM`: writes `content` verbatim (no expansion of `$`, backticks or
 * backslashes), ending in exactly one newline.
 */
export function heredocWrite(path: string, content: string, delimiterBase: string): string {
  assertNoNul(content, 'a here-document');
  const body = content.endsWith('\n') ? content : `${content}\n`;
  const delimiter = heredocDelimiter(body, delimiterBase);
  return `cat > ${shellQuote(path)} <<'${delimiter}'\n${body}${delimiter}`;
}

function assertNoNul(value: string, what: string): void {
  if (value.includes('\0')) throw new TypeError(`${what} cannot contain a NUL character`);
}
