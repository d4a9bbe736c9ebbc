/**
 * Compares two JSON documents by shape: the same field names at every level and the same JSON type
 * for every value (values themselves may differ: ids, times, amounts). Array elements are matched
 * loosely: every live element must have the shape of some recorded element (the recording may hold
 * kinds of elements the live run has no reason to produce, e.g. a completed MULTI_ROLE framework).
 */

type Kind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

function kindOf(value: unknown): Kind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  if (t === 'boolean' || t === 'number' || t === 'string') return t;
  return 'object';
}

export interface ShapeOptions {
  /** JSON paths (`$.flags`) whose object keys may differ (values are still type-checked). */
  looseKeys?: readonly string[];
  /** JSON paths that are not compared at all. */
  ignore?: readonly string[];
}

function normalise(path: string): string {
  return path.replace(/\[\d+\]/g, '[]');
}

export function shapeDiff(expected: unknown, actual: unknown, options: ShapeOptions = {}, path = '$'): string[] {
  const at = normalise(path);
  if (options.ignore?.includes(at)) return [];
  const ek = kindOf(expected);
  const ak = kindOf(actual);
  if (ek !== ak) return [`${path}: expected ${ek}, got ${ak}`];
  if (ek === 'object') {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const out: string[] = [];
    const loose = options.looseKeys?.includes(at) ?? false;
    for (const key of Object.keys(e)) {
      if (!(key in a)) {
        if (!loose) out.push(`${path}.${key}: missing`);
        continue;
      }
      out.push(...shapeDiff(e[key], a[key], options, `${path}.${key}`));
    }
    if (!loose) for (const key of Object.keys(a)) if (!(key in e)) out.push(`${path}.${key}: unexpected`);
    if (loose) {
      // Keys differ, but every value must still be of a kind the recording uses there.
      const kinds = new Set(Object.values(e).map(kindOf));
      for (const [key, value] of Object.entries(a)) {
        if (!(key in e) && kinds.size > 0 && !kinds.has(kindOf(value))) out.push(`${path}.${key}: unexpected ${kindOf(value)}`);
      }
    }
    return out;
  }
  if (ek === 'array') {
    const e = expected as unknown[];
    const a = actual as unknown[];
    if (e.length === 0 || a.length === 0) return [];
    const out: string[] = [];
    a.forEach((item, i) => {
      let min: string[] | undefined;
      for (const candidate of e) {
        const d = shapeDiff(candidate, item, options, `${path}[${i}]`);
        if (min === undefined || d.length < min.length) min = d;
        if (d.length === 0) break;
      }
      out.push(...(min ?? []));
    });
    return [...new Set(out)];
  }
  return [];
}
