/**
 * The in-memory form of a message: Mesos' JSON shape (snake_case keys, enum names, base64 bytes,
 * 64-bit integers as numbers). `types.ts` gives the typed view of the same objects.
 */
export type Shape = Record<string, unknown>;

/** A value in a shape does not fit its field (wrong type, unknown enum name). */
export class ShapeError extends Error {}

/** Adds a map entry as an own property, even for the key `__proto__` (plain assignment would set the prototype). */
export function setEntry(map: Shape, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}
