/**
 * A unified diff of two texts, line by line, in the format of `diff -u` (Myers' algorithm, three
 * lines of context), used to show what a command is about to change in a file.
 */

export interface DiffOptions {
  /** Label of the `---` line. */
  readonly fromFile?: string;
  /** Label of the `+++` line. */
  readonly toFile?: string;
  readonly context?: number;
}

interface Line {
  /** Without its terminator. */
  readonly text: string;
  /** With its terminator: lines differing only in line ending are different lines. */
  readonly full: string;
  readonly terminated: boolean;
}

type Op = { readonly kind: 'equal' | 'delete' | 'insert'; readonly oldIndex: number; readonly newIndex: number };

/** The unified diff, or '' when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, options: DiffOptions = {}): string {
  if (oldText === newText) return '';
  const context = options.context ?? 3;
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const ops = editScript(a, b);
  let out = `--- ${options.fromFile ?? 'a'}\n+++ ${options.toFile ?? 'b'}\n`;
  for (const hunk of hunks(ops, context)) {
    const slice = ops.slice(hunk.start, hunk.end);
    const oldCount = slice.filter((op) => op.kind !== 'insert').length;
    const newCount = slice.filter((op) => op.kind !== 'delete').length;
    const first = slice[0] as Op;
    out += `@@ -${range(first.oldIndex, oldCount)} +${range(first.newIndex, newCount)} @@\n`;
    for (const op of slice) {
      const line = op.kind === 'insert' ? (b[op.newIndex] as Line) : (a[op.oldIndex] as Line);
      const sign = op.kind === 'equal' ? ' ' : op.kind === 'delete' ? '-' : '+';
      out += `${sign}${line.text}\n`;
      if (!line.terminated) out += '\\ No newline at end of file\n';
    }
  }
  return out;
}

/** `start,count` as diff prints it: 1-based; a single line omits the count; none names the line before. */
function range(index: number, count: number): string {
  if (count === 0) return `${index},0`;
  if (count === 1) return `${index + 1}`;
  return `${index + 1},${count}`;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const pattern = /\r\n|\r|\n/g;
  let start = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const end = match.index + match[0].length;
    lines.push({ text: text.slice(start, match.index), full: text.slice(start, end), terminated: true });
    start = end;
  }
  if (start < text.length) lines.push({ text: text.slice(start), full: text.slice(start), terminated: false });
  return lines;
}

/** Myers' O(ND) shortest edit script, deletions before insertions within a change. */
function editScript(a: readonly Line[], b: readonly Line[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Array<number>(2 * max + 3).fill(0);
  const trace: number[][] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number));
      let x = down ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && (a[x] as Line).full === (b[y] as Line).full) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }

  // Walk back through the saved frontiers to recover the path.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const frontier = trace[d] as number[];
    const k = x - y;
    const down = k === -d || (k !== d && (frontier[offset + k - 1] as number) < (frontier[offset + k + 1] as number));
    const previousK = down ? k + 1 : k - 1;
    const previousX = d === 0 ? 0 : (frontier[offset + previousK] as number);
    const previousY = d === 0 ? 0 : previousX - previousK;
    while (x > previousX && y > previousY) {
      x--;
      y--;
      ops.push({ kind: 'equal', oldIndex: x, newIndex: y });
    }
    if (d > 0) {
      if (down) {
        y--;
        ops.push({ kind: 'insert', oldIndex: x, newIndex: y });
      } else {
        x--;
        ops.push({ kind: 'delete', oldIndex: x, newIndex: y });
      }
    }
  }
  return ops.reverse();
}

/** Ranges of `ops` to print: each change with `context` equal lines around, close ones merged. */
function hunks(ops: readonly Op[], context: number): Array<{ start: number; end: number }> {
  const result: Array<{ start: number; end: number }> = [];
  for (let i = 0; i < ops.length; i++) {
    if ((ops[i] as Op).kind === 'equal') continue;
    let end = i;
    while (end < ops.length && (ops[end] as Op).kind !== 'equal') end++;
    const start = Math.max(0, i - context);
    const stop = Math.min(ops.length, end + context);
    const last = result[result.length - 1];
    if (last !== undefined && start <= last.end) last.end = stop;
    else result.push({ start, end: stop });
    i = end - 1;
  }
  return result;
}
