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
  return editDistance(a, b) <= allowed ? 1 : 2;
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
 * The catalog key `key` most likely meant, or undefined when it is not close to any (or is a
 * catalog key itself). Wrong case always matches.
 */
export function suggestKey(key: string, candidates: readonly string[] = knownKeys()): string | undefined {
  if (candidates.includes(key)) return undefined;
  const lower = key.toLowerCase();
  const sameButCase = candidates.find((candidate) => candidate.toLowerCase() === lower);
  if (sameButCase !== undefined) return sameButCase;

  let best: { key: string; segments: number; chars: number } | undefined;
  for (const candidate of candidates) {
    const chars = editDistance(lower, candidate);
    const segments = segmentDistance(lower, candidate);
    if (segments > 1 && chars > 2) continue;
    if (best === undefined || segments < best.segments || (segments === best.segments && chars < best.chars)) {
      best = { key: candidate, segments, chars };
    }
  }
  return best?.key;
}
