/**
 * Hot-path helpers for range lists that are already normalised (sorted, disjoint), as every list
 * in check-ports' `AgentCapacity` is. The helpers in `ranges.ts` re-normalise their
 * inputs on each call, which is right for untrusted input and too slow inside loops over
 * thousands of agents.
 */
import type { Range } from '../protocol/types.js';

export function holdsPort(ranges: readonly Range[], port: number): boolean {
  for (const range of ranges) {
    if (port < range.begin) return false;
    if (port <= range.end) return true;
  }
  return false;
}

/** The list without one port (splitting the range that held it). */
export function withoutPort(ranges: readonly Range[], port: number): Range[] {
  const out: Range[] = [];
  for (const range of ranges) {
    if (port < range.begin || port > range.end) out.push(range);
    else {
      if (range.begin < port) out.push({ begin: range.begin, end: port - 1 });
      if (port < range.end) out.push({ begin: port + 1, end: range.end });
    }
  }
  return out;
}

/** The part of the list at or above `min`. */
export function atOrAbove(ranges: readonly Range[], min: number): Range[] {
  const out: Range[] = [];
  for (const range of ranges) {
    if (range.end < min) continue;
    out.push(range.begin >= min ? range : { begin: min, end: range.end });
  }
  return out;
}
