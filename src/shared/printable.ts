/**
 * Text from the cluster (agent hostnames, file names, Mesos' error bodies, task names) made safe to
 * print on a terminal: control characters become visible escapes (`\x1b`, `\x07`), so an agent
 * registered as `host\e]0;TITLE\a\e[2J` cannot set the operator's window title or clear the screen.
 * Log contents are not passed through here (they stay raw, as `tail` prints them); `--json` output
 * needs nothing (JSON escapes control characters itself).
 */

// C0 controls, DEL and C1 controls (0x80-0x9f: a terminal may read 0x9b as CSI), and the Unicode
// bidirectional overrides that can make a name read differently from what it is.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escape(char: string): string {
  const code = char.charCodeAt(0);
  if (code === 0x09) return '\\t';
  if (code === 0x0a) return '\\n';
  if (code === 0x0d) return '\\r';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character escaped. `keepNewlines` keeps line breaks, for messages that
 * list things one per line; a table cell or a one-line message keeps none.
 */
export function printable(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(options.keepNewlines === true ? UNSAFE_BUT_NEWLINE : UNSAFE, escape);
}
