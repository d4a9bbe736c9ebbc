/** Pure renderers for the wizard's summary table and the diff shown before overwriting. */
import { Chalk } from 'chalk';
import { formatTable } from '../ui/table.js';

export function renderSummary(rows: ReadonlyArray<readonly [string, string, string]>, options: { color: boolean }): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const bold = (text: string): string => chalk.bold(text);
  const dim = (text: string): string => chalk.dim(text);
  // Not trimmed: the summary has always kept the spaces before an empty "where".
  const lines = formatTable(
    rows.map(([label, value, where]) => [label, { text: value, paint: bold }, { text: where, paint: dim }]),
    { indent: '  ', trimEnd: false },
  );
  return `\n${chalk.bold('Summary')}\n${lines.join('\n')}\n\n`;
}

export function renderDiff(diff: string, options: { color: boolean }): string {
  if (diff === '') return '';
  if (!options.color) return diff.endsWith('\n') ? diff : `${diff}\n`;
  const chalk = new Chalk({ level: 1 });
  const colored = diff
    .split('\n')
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---')) return chalk.bold(line);
      if (line.startsWith('@@')) return chalk.cyan(line);
      if (line.startsWith('+')) return chalk.green(line);
      if (line.startsWith('-')) return chalk.red(line);
      return line;
    })
    .join('\n');
  return colored.endsWith('\n') ? colored : `${colored}\n`;
}
