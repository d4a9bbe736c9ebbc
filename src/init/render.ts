/** Pure renderers for the wizard's summary table and the diff shown before overwriting. */
import { Chalk } from 'chalk';

export function renderSummary(rows: ReadonlyArray<readonly [string, string, string]>, options: { color: boolean }): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  const lines = rows.map(
    ([label, value, where]) => `  ${label.padEnd(labelWidth)}  ${chalk.bold(value.padEnd(valueWidth))}  ${chalk.dim(where)}`,
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
