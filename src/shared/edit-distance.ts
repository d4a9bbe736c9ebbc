/**
 * How far apart two names are, for "did you mean" suggestions (property keys, task aliases):
 * optimal-string-alignment distance, counting insertions, deletions, substitutions, adjacent swaps.
 *
 * With `limit`, the caller only needs to know whether the distance is at most `limit`: any larger
 * distance is answered as `limit + 1`, found early (from the lengths alone, or once no cell of two
 * consecutive rows can still lead back under the limit), and only the diagonal band of cells within
 * `limit` is computed. A file of many unknown keys is checked against every known key, so this is
 * what keeps `check-ports` linear in the size of the file.
 */
export function editDistance(first: string, second: string, limit: number = Number.POSITIVE_INFINITY): number {
  if (Math.abs(first.length - second.length) > limit) return limit + 1;
  // A common prefix and suffix cost nothing and change no optimal alignment: only the middle
  // parts are compared (similar keys share most of their length).
  let start = 0;
  while (start < first.length && start < second.length && first.charCodeAt(start) === second.charCodeAt(start)) start++;
  let end = 0;
  while (
    end < first.length - start &&
    end < second.length - start &&
    first.charCodeAt(first.length - 1 - end) === second.charCodeAt(second.length - 1 - end)
  ) {
    end++;
  }
  const a = first.slice(start, first.length - end);
  const b = second.slice(start, second.length - end);
  const n = a.length;
  const m = b.length;
  const beyond = Number.isFinite(limit) ? limit + 1 : n + m + 1;
  const cols = m + 1;
  // Three rows: i - 2 (for swaps), i - 1 and i; reused from call to call (this is called per key
  // and per known key, and allocating them dominated).
  let [before, previous, row] = rowsFor(cols);
  before.fill(beyond, 0, cols);
  previous.fill(beyond, 0, cols);
  row.fill(beyond, 0, cols);
  for (let j = 0; j < cols && j <= limit; j++) previous[j] = j;
  let previousMin = 0;
  for (let i = 1; i <= n; i++) {
    const from = Math.max(1, i - limit);
    const to = Math.min(m, i + limit);
    // The cells just outside the band are read by this row and the next: edges, or "too far".
    row[from - 1] = from - 1 === 0 ? i : beyond;
    if (to + 1 <= m) row[to + 1] = beyond;
    let rowMin = from - 1 === 0 ? i : beyond;
    for (let j = from; j <= to; j++) {
      const same = a.charCodeAt(i - 1) === b.charCodeAt(j - 1);
      let best = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + (same ? 0 : 1));
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        best = Math.min(best, (before[j - 2] as number) + 1);
      }
      row[j] = best;
      if (best < rowMin) rowMin = best;
    }
    // Every later cell costs at least the smaller of this row's minimum and the last row's plus a swap.
    if (Math.min(rowMin, previousMin + 1) > limit) return limit + 1;
    [before, previous, row] = [previous, row, before];
    previousMin = rowMin;
  }
  const distance = previous[m] as number;
  return distance > limit ? limit + 1 : distance;
}

let rows: [Int32Array, Int32Array, Int32Array] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

function rowsFor(cols: number): [Int32Array, Int32Array, Int32Array] {
  if (rows[0].length < cols) rows = [new Int32Array(cols), new Int32Array(cols), new Int32Array(cols)];
  return [rows[0], rows[1], rows[2]];
}
