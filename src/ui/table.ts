/**
 * Text tables for the terminal: columns two spaces apart, each as wide as its widest cell. Widths
 * are measured on the unpainted text and a cell's `paint` (colour) is applied after padding, so
 * escape codes never skew the alignment. The last cell of a row is never padded.
 */

import { printable } from '../shared/printable.js';

/** A cell: plain text, or text with the colour to paint it in. */
export type TableCell = string | { readonly text: string; readonly paint?: (text: string) => string };

export interface TableOptions {
  /** Per column; default `left`. `right` suits numbers and sizes. */
  readonly align?: ReadonlyArray<'left' | 'right'>;
  /** Written before every line (e.g. two spaces to indent the table). */
  readonly indent?: string;
  /** Drop trailing spaces from each line; default true. */
  readonly trimEnd?: boolean;
}

/** One line per row; a header is just the first row. */
export function formatTable(rows: ReadonlyArray<readonly TableCell[]>, options: TableOptions = {}): string[] {
  // Cells hold names from the cluster: never a control character on the operator's terminal.
  const textOf = (cell: TableCell): string => printable(typeof cell === 'string' ? cell : cell.text);
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, textOf(cell).length);
    });
  }
  return rows.map((row) => {
    const line =
      (options.indent ?? '') +
      row
        .map((cell, column) => {
          const text = textOf(cell);
          const width = column === row.length - 1 ? 0 : widths[column]!;
          const padded = options.align?.[column] === 'right' ? text.padStart(width) : text.padEnd(width);
          return typeof cell === 'string' || cell.paint === undefined ? padded : cell.paint(padded);
        })
        .join('  ');
    return options.trimEnd === false ? line : line.trimEnd();
  });
}
