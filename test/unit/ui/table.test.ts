import { describe, expect, it } from 'vitest';
import { formatTable } from '../../../src/ui/table.js';

describe('formatTable', () => {
  it('pads every column but the last to its widest cell, two spaces apart, and trims the line end', () => {
    expect(
      formatTable([
        ['NAME', 'STATE', 'NOTE'],
        ['worker-10', 'RUNNING', ''],
        ['m', 'LOST', 'gone'],
      ]),
    ).toEqual(['NAME       STATE    NOTE', 'worker-10  RUNNING', 'm          LOST     gone']);
  });

  it('right-aligns the columns asked for and keeps trailing spaces when told', () => {
    expect(
      formatTable(
        [
          ['a', '1 B', 'x '],
          ['bb', '10 KiB', 'y'],
        ],
        { align: ['left', 'right'], trimEnd: false },
      ),
    ).toEqual(['a      1 B  x ', 'bb  10 KiB  y']);
  });

  it('measures the unpainted text and paints the padded cell', () => {
    const paint = (text: string): string => `<${text}>`;
    expect(
      formatTable(
        [
          [{ text: 'ok', paint }, 'x'],
          ['longer', 'y'],
        ],
        { indent: '  ' },
      ),
    ).toEqual(['  <ok    >  x', '  longer  y']);
  });

  it('trims an indent followed only by empty cells, and formats no rows as no lines', () => {
    expect(formatTable([['', '']], { indent: '  ' })).toEqual(['']);
    expect(formatTable([])).toEqual([]);
  });
});
