/**
 * Content negotiation as libprocess does it: `Content-Type` must be exactly one of the two Mesos
 * media types; `Accept` is matched with wildcards and q-values, and a missing `Accept` accepts
 * anything (JSON is preferred when both are acceptable).
 */

const APPLICATION_JSON = 'application/json';
const APPLICATION_PROTOBUF = 'application/x-protobuf';
export type MesosMediaType = typeof APPLICATION_JSON | typeof APPLICATION_PROTOBUF;

export function requestMediaType(contentType: string | undefined): MesosMediaType | 'missing' | 'unsupported' {
  if (contentType === undefined) return 'missing';
  if (contentType === APPLICATION_JSON || contentType === APPLICATION_PROTOBUF) return contentType;
  return 'unsupported';
}

interface AcceptEntry {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): AcceptEntry[] {
  return header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const [range = '', ...params] = part.split(';').map((s) => s.trim());
      const [type = '', subtype = ''] = range.toLowerCase().split('/');
      let q = 1;
      for (const p of params) {
        const [k, v] = p.split('=').map((s) => s.trim());
        if (k === 'q' && v !== undefined) {
          const n = Number(v);
          q = Number.isFinite(n) ? n : 0;
        }
      }
      return { type, subtype, q };
    });
}

/** libprocess `Request::acceptsMediaType`: the most specific matching range decides. */
export function acceptsMediaType(accept: string | undefined, mediaType: string): boolean {
  if (accept === undefined) return true;
  const [type, subtype] = mediaType.toLowerCase().split('/');
  let best: { specificity: number; q: number } | undefined;
  for (const e of parseAccept(accept)) {
    let specificity = -1;
    if (e.type === type && e.subtype === subtype) specificity = 2;
    else if (e.type === type && e.subtype === '*') specificity = 1;
    else if (e.type === '*' && e.subtype === '*') specificity = 0;
    if (specificity < 0) continue;
    if (best === undefined || specificity > best.specificity) best = { specificity, q: e.q };
  }
  return best !== undefined && best.q > 0;
}

/** The event encoding for a SUBSCRIBE, or undefined for a 406. */
export function negotiateEventMediaType(accept: string | undefined): MesosMediaType | undefined {
  if (acceptsMediaType(accept, APPLICATION_JSON)) return APPLICATION_JSON;
  if (acceptsMediaType(accept, APPLICATION_PROTOBUF)) return APPLICATION_PROTOBUF;
  return undefined;
}
