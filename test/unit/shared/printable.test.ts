import { describe, expect, it } from 'vitest';
import { printable } from '../../../src/shared/printable.js';
import { formatTable } from '../../../src/ui/table.js';

const HOSTILE = '127.0.0.2\u001b]0;TITLE\u0007\u001b[2J';

describe('printable', () => {
  it('shows control characters as escapes and leaves ordinary text alone', () => {
    expect(printable(HOSTILE)).toBe('127.0.0.2\\x1b]0;TITLE\\x07\\x1b[2J');
    expect(printable('worker-3 on agent-1.example.com: 19998, ünïcode ✓')).toBe('worker-3 on agent-1.example.com: 19998, ünïcode ✓');
    expect(printable('a\tb\r\nc\u009bd\u007f')).toBe('a\\tb\\r\\nc\\x9bd\\x7f');
    expect(printable('evil\u202egpj.exe')).toBe('evil\\u202egpj.exe');
  });

  it('keeps line breaks when asked, and only those', () => {
    expect(printable('one\ntwo\u001b[2J', { keepNewlines: true })).toBe('one\ntwo\\x1b[2J');
  });

  it('makes a table of hostile names safe, still aligned', () => {
    const lines = formatTable([
      ['HOST', 'STATE'],
      [HOSTILE, 'RUNNING'],
    ]);
    expect(lines.join('\n')).not.toContain('\u001b');
    expect(lines[1]).toBe('127.0.0.2\\x1b]0;TITLE\\x07\\x1b[2J  RUNNING');
    expect(lines[0]!.indexOf('STATE')).toBe(lines[1]!.indexOf('RUNNING'));
  });
});
