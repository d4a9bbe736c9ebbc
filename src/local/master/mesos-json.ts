/**
 * JSON the way Mesos' rapidjson writer prints it: compact, keys in insertion order, and doubles
 * always with a fraction (`2.0`, `0.0`, `1795548218.198497`), integers without. JavaScript has one
 * number type, so doubles are marked with `dbl()` where the Mesos field is a double.
 */

export class JsonDouble {
  constructor(readonly value: number) {}
}

export function dbl(value: number): JsonDouble {
  return new JsonDouble(value);
}

export type MesosJson =
  | null
  | boolean
  | number
  | string
  | JsonDouble
  | readonly MesosJson[]
  | { readonly [key: string]: MesosJson | undefined };

/** rapidjson's shortest round-trip form, with `.0` added to integral values. */
export function formatDouble(value: number): string {
  if (!Number.isFinite(value)) return '0.0';
  const s = String(value);
  if (/[.eE]/.test(s)) return s.replace('e+', 'e');
  return `${s}.0`;
}

export function stringifyMesosJson(value: MesosJson): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(value: MesosJson, out: string[]): void {
  if (value === null) {
    out.push('null');
  } else if (value instanceof JsonDouble) {
    out.push(formatDouble(value.value));
  } else if (typeof value === 'number') {
    out.push(Number.isFinite(value) ? String(value) : '0');
  } else if (typeof value === 'string' || typeof value === 'boolean') {
    out.push(JSON.stringify(value));
  } else if (Array.isArray(value)) {
    out.push('[');
    (value as readonly MesosJson[]).forEach((v, i) => {
      if (i > 0) out.push(',');
      write(v, out);
    });
    out.push(']');
  } else {
    out.push('{');
    let first = true;
    for (const [k, v] of Object.entries(value as { readonly [key: string]: MesosJson | undefined })) {
      if (v === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(k), ':');
      write(v, out);
    }
    out.push('}');
  }
}
