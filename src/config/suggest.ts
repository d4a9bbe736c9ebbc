/**
 * "Did you mean ...?" for misspelt property keys. Keys are compared both letter by letter (typos)
 * and segment by segment, so that a missing or extra dotted segment
 * (`alluxio.integration.mesos.jar.url` for `...mesos.alluxio.jar.url`) counts as one mistake.
 */
import { knownKeys } from './catalog.js';
import { editDistance } from '../shared/edit-distance.js';

/**
 * Real Alluxio keys outside the catalog that look like catalog keys (job service ports, bind
 * hosts, per-tier tuning...). They are valid, so they get no suggestion.
 */
const OTHER_ALLUXIO_KEYS: readonly RegExp[] = [
  /^alluxio\.job\./,
  /^alluxio\.(master|worker|proxy)\.(web\.|data\.)?(hostname|bind\.host)$/,
  /^alluxio\.master\.embedded\.journal\./,
  /^alluxio\.(master|worker)\.(principal|keytab\.file)$/,
  /^alluxio\.master\.tieredstore\.global\./,
  /^alluxio\.worker\.tieredstore\.level\d+\.(reserved\.ratio|watermark\.(high|low)\.ratio|dirs\.mediumtype)$/,
  /^alluxio\.worker\.tieredstore\.level([3-9]|\d{2,})\./,
  /^alluxio\.master\.mount\.table\.root\.(option\..+|readonly|shared|alluxio)$/,
  /^alluxio\.master\.mount\.table\.(?!root\.)[\w-]+\.(ufs|alluxio|readonly|shared|option(\..+)?)$/,
  /^alluxio\.proxy\./,
  /^alluxio\.logserver\./,
  /^alluxio\.integration\.yarn\./,
  /^alluxio\.(work|conf|logs)\.dir$/,
];

export function isOtherAlluxioKey(key: string): boolean {
  return OTHER_ALLUXIO_KEYS.some((pattern) => pattern.test(key));
}

/** Cost of replacing one dotted segment by another: 0 same, 1 near miss, 2 unrelated. */
function segmentCost(a: string, b: string): number {
  if (a === b) return 0;
  if (a.startsWith(b) || b.startsWith(a)) return 1;
  const allowed = Math.max(1, Math.floor(Math.min(a.length, b.length) / 3));
  return editDistance(a, b, allowed) <= allowed ? 1 : 2;
}

/** Edit distance over dotted segments, with near-miss segments costing 1. */
export function segmentDistance(a: string, b: string): number {
  const x = a.split('.');
  const y = b.split('.');
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      (d[i] as number[])[j] = Math.min(
        ((d[i - 1] as number[])[j] as number) + 1,
        ((d[i] as number[])[j - 1] as number) + 1,
        ((d[i - 1] as number[])[j - 1] as number) + segmentCost(x[i - 1] as string, y[j - 1] as string),
      );
    }
  }
  return (d[x.length] as number[])[y.length] as number;
}

/**
 * Whether segmentDistance(x, y) is at most 1, in one pass: every segment equal but one near miss,
 * or one segment more or less and the rest equal. Most keys are far from most candidates, and this
 * says so without the full table.
 */
function withinOneSegmentEdit(x: readonly string[], y: readonly string[]): boolean {
  if (x.length === y.length) {
    let mismatch: number | undefined;
    for (let i = 0; i < x.length; i++) {
      if (x[i] === y[i]) continue;
      if (mismatch !== undefined) return false;
      mismatch = i;
    }
    return mismatch === undefined || segmentCost(x[mismatch] as string, y[mismatch] as string) <= 1;
  }
  const [longer, shorter] = x.length > y.length ? [x, y] : [y, x];
  if (longer.length - shorter.length !== 1) return false;
  let prefix = 0;
  while (prefix < shorter.length && shorter[prefix] === longer[prefix]) prefix++;
  let suffix = 0;
  while (suffix < shorter.length - prefix && shorter[shorter.length - 1 - suffix] === longer[longer.length - 1 - suffix]) suffix++;
  return prefix + suffix >= shorter.length;
}

interface PreparedCandidates {
  readonly exact: ReadonlySet<string>;
  /** Lower case to the key itself: a key in the wrong case always matches. */
  readonly byLower: ReadonlyMap<string, string>;
  readonly list: ReadonlyArray<{ readonly key: string; readonly segments: readonly string[] }>;
}

/** Per list of candidates (knownKeys() is one array), computed once: it is compared with every unknown key. */
const preparedLists = new WeakMap<readonly string[], PreparedCandidates>();

function prepared(candidates: readonly string[]): PreparedCandidates {
  let found = preparedLists.get(candidates);
  if (found === undefined) {
    const byLower = new Map<string, string>();
    for (const candidate of candidates) if (!byLower.has(candidate.toLowerCase())) byLower.set(candidate.toLowerCase(), candidate);
    found = { exact: new Set(candidates), byLower, list: candidates.map((key) => ({ key, segments: key.split('.') })) };
    preparedLists.set(candidates, found);
  }
  return found;
}

/**
 * The catalog key `key` most likely meant, or undefined when it is not close to any (or is a
 * catalog key itself). Wrong case always matches. A candidate counts when it is within two
 * character edits or one segment edit; the exact distances, which rank the candidates, are only
 * computed for those (a file may hold hundreds of thousands of unknown keys).
 */
export function suggestKey(key: string, candidates: readonly string[] = knownKeys()): string | undefined {
  const { exact, byLower, list } = prepared(candidates);
  if (exact.has(key)) return undefined;
  const lower = key.toLowerCase();
  const sameButCase = byLower.get(lower);
  if (sameButCase !== undefined) return sameButCase;

  const segments = lower.split('.');
  let best: { key: string; segments: number; chars: number } | undefined;
  for (const candidate of list) {
    if (editDistance(lower, candidate.key, 2) > 2 && !withinOneSegmentEdit(segments, candidate.segments)) continue;
    const chars = editDistance(lower, candidate.key);
    const segmentEdits = segmentDistance(lower, candidate.key);
    if (best === undefined || segmentEdits < best.segments || (segmentEdits === best.segments && chars < best.chars)) {
      best = { key: candidate.key, segments: segmentEdits, chars };
    }
  }
  return best?.key;
}
