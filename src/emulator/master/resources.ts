/**
 * Resource arithmetic with Mesos' semantics: scalars in fixed point (three decimals, so
 * 2.0 - 0.1 is exactly 1.9), ranges coalesced (adjacent ranges merge), sets as unions, and one entry
 * per (name, role). A role other than `*` is a (static) reservation for that role. Order of first
 * appearance is kept, because that is the order Mesos lists resources in offers.
 */
import type { Range, Resource } from '../../mesos/protocol/types.js';
import { stringifyRanges } from '../../mesos/resources/ranges.js';

type Kind = 'SCALAR' | 'RANGES' | 'SET';

export interface ResourceEntry {
  readonly name: string;
  /** Pre-refinement role: `*` for unreserved, otherwise the role the resource is reserved for. */
  readonly role: string;
  readonly kind: Kind;
  /** Scalar value in thousandths (Mesos' fixed point). */
  readonly milli: number;
  /** Sorted, coalesced. */
  readonly ranges: readonly Range[];
  readonly items: readonly string[];
}

const UNRESERVED_ROLE = '*';

function keyOf(e: { name: string; role: string; kind: Kind }): string {
  return `${e.name}\u0000${e.role}\u0000${e.kind}`;
}

function toMilli(value: number): number {
  return Math.round(value * 1000);
}

function fromMilli(milli: number): number {
  return milli / 1000;
}

/** Sort and coalesce ranges; adjacent ranges ([1-2],[3-4]) merge as in Mesos. */
export function coalesceRanges(ranges: readonly Range[]): Range[] {
  const sorted = ranges
    .filter((r) => r.end >= r.begin)
    .map((r) => ({ begin: r.begin, end: r.end }))
    .sort((a, b) => a.begin - b.begin);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.begin <= last.end + 1) {
      last.end = Math.max(last.end, r.end);
    } else {
      out.push(r);
    }
  }
  return out;
}

function subtractRanges(from: readonly Range[], remove: readonly Range[]): Range[] {
  let current = coalesceRanges(from);
  for (const cut of coalesceRanges(remove)) {
    const next: Range[] = [];
    for (const r of current) {
      if (cut.end < r.begin || cut.begin > r.end) {
        next.push(r);
        continue;
      }
      if (cut.begin > r.begin) next.push({ begin: r.begin, end: cut.begin - 1 });
      if (cut.end < r.end) next.push({ begin: cut.end + 1, end: r.end });
    }
    current = next;
  }
  return current;
}

function rangesContain(outer: readonly Range[], inner: readonly Range[]): boolean {
  const o = coalesceRanges(outer);
  return coalesceRanges(inner).every((r) => o.some((x) => x.begin <= r.begin && r.end <= x.end));
}

function isEmptyEntry(e: ResourceEntry): boolean {
  switch (e.kind) {
    case 'SCALAR':
      return e.milli <= 0;
    case 'RANGES':
      return e.ranges.length === 0;
    case 'SET':
      return e.items.length === 0;
  }
}

/** The role a resource is reserved for, from either the pre- or post-refinement format. */
function roleOfResource(r: Resource): string {
  if (r.reservations !== undefined && r.reservations.length > 0) {
    return r.reservations[r.reservations.length - 1]?.role ?? UNRESERVED_ROLE;
  }
  if (r.reservation?.role !== undefined) return r.reservation.role;
  return r.role ?? UNRESERVED_ROLE;
}

function entryOf(r: Resource): ResourceEntry | undefined {
  const role = roleOfResource(r);
  switch (r.type) {
    case 'SCALAR':
      return { name: r.name, role, kind: 'SCALAR', milli: toMilli(r.scalar?.value ?? 0), ranges: [], items: [] };
    case 'RANGES':
      return { name: r.name, role, kind: 'RANGES', milli: 0, ranges: coalesceRanges(r.ranges?.range ?? []), items: [] };
    case 'SET':
      return { name: r.name, role, kind: 'SET', milli: 0, ranges: [], items: [...new Set(r.set?.item ?? [])] };
    default:
      return undefined;
  }
}

export class Resources {
  private constructor(readonly entries: readonly ResourceEntry[]) {}

  static readonly EMPTY = new Resources([]);

  static of(entries: readonly ResourceEntry[]): Resources {
    return Resources.EMPTY.plusEntries(entries);
  }

  /** TEXT resources and malformed entries are ignored (Mesos rejects them earlier). */
  static fromProto(list: readonly Resource[] | undefined): Resources {
    const entries: ResourceEntry[] = [];
    for (const r of list ?? []) {
      const e = entryOf(r);
      if (e !== undefined) entries.push(e);
    }
    return Resources.of(entries);
  }

  isEmpty(): boolean {
    return this.entries.length === 0;
  }

  plus(other: Resources): Resources {
    return this.plusEntries(other.entries);
  }

  private plusEntries(add: readonly ResourceEntry[]): Resources {
    const out: ResourceEntry[] = [...this.entries];
    const index = new Map<string, number>();
    out.forEach((e, i) => index.set(keyOf(e), i));
    for (const e of add) {
      if (isEmptyEntry(e)) continue;
      const k = keyOf(e);
      const at = index.get(k);
      if (at === undefined) {
        index.set(k, out.length);
        out.push(e);
        continue;
      }
      const cur = out[at] as ResourceEntry;
      out[at] = {
        ...cur,
        milli: cur.milli + e.milli,
        ranges: cur.kind === 'RANGES' ? coalesceRanges([...cur.ranges, ...e.ranges]) : cur.ranges,
        items: cur.kind === 'SET' ? [...new Set([...cur.items, ...e.items])] : cur.items,
      };
    }
    return new Resources(out);
  }

  /** Removes `other`; what does not exist here is ignored, empty entries disappear. */
  minus(other: Resources): Resources {
    const remove = new Map<string, ResourceEntry>();
    for (const e of other.entries) remove.set(keyOf(e), e);
    const out: ResourceEntry[] = [];
    for (const e of this.entries) {
      const r = remove.get(keyOf(e));
      if (r === undefined) {
        out.push(e);
        continue;
      }
      const next: ResourceEntry = {
        ...e,
        milli: e.milli - r.milli,
        ranges: e.kind === 'RANGES' ? subtractRanges(e.ranges, r.ranges) : e.ranges,
        items: e.kind === 'SET' ? e.items.filter((i) => !r.items.includes(i)) : e.items,
      };
      if (!isEmptyEntry(next)) out.push(next);
    }
    return new Resources(out);
  }

  contains(other: Resources): boolean {
    const mine = new Map<string, ResourceEntry>();
    for (const e of this.entries) mine.set(keyOf(e), e);
    return other.entries.every((e) => {
      const m = mine.get(keyOf(e));
      if (m === undefined) return false;
      switch (e.kind) {
        case 'SCALAR':
          return m.milli >= e.milli;
        case 'RANGES':
          return rangesContain(m.ranges, e.ranges);
        case 'SET':
          return e.items.every((i) => m.items.includes(i));
      }
    });
  }

  filter(predicate: (e: ResourceEntry) => boolean): Resources {
    return new Resources(this.entries.filter(predicate));
  }

  /** What a framework in `role` may be offered: unreserved resources plus those reserved for it. */
  allocatableTo(role: string): Resources {
    return this.filter((e) => e.role === UNRESERVED_ROLE || e.role === role);
  }

  unreserved(): Resources {
    return this.filter((e) => e.role === UNRESERVED_ROLE);
  }

  /** Reserved resources grouped by role, in order of first appearance. */
  reservations(): Map<string, Resources> {
    const byRole = new Map<string, ResourceEntry[]>();
    for (const e of this.entries) {
      if (e.role === UNRESERVED_ROLE) continue;
      const list = byRole.get(e.role) ?? [];
      list.push(e);
      byRole.set(e.role, list);
    }
    return new Map([...byRole].map(([role, list]) => [role, new Resources(list)]));
  }

  /** Sum of a scalar over all roles, in natural units. */
  scalar(name: string): number {
    return fromMilli(this.entries.filter((e) => e.kind === 'SCALAR' && e.name === name).reduce((s, e) => s + e.milli, 0));
  }

  /**
   * The v1 `Resource` list in the pre-refinement format Mesos sends to schedulers:
   * `role` always set, `allocation_info` only when `allocationRole` is given (MULTI_ROLE frameworks).
   */
  toProto(allocationRole?: string): Resource[] {
    return this.entries.map((e) => {
      const r: Resource = { name: e.name, type: e.kind };
      if (e.kind === 'SCALAR') r.scalar = { value: fromMilli(e.milli) };
      if (e.kind === 'RANGES') r.ranges = { range: e.ranges.map((x) => ({ begin: x.begin, end: x.end })) };
      if (e.kind === 'SET') r.set = { item: [...e.items] };
      r.role = e.role;
      if (allocationRole !== undefined) r.allocation_info = { role: allocationRole };
      return r;
    });
  }

  /**
   * Mesos' `operator<<(Resources)`, as it appears in validation messages, e.g.
   * `cpus(allocated: *):0.1; mem(allocated: *):32; ports(allocated: *):[19998-19998]`.
   */
  describe(allocationRole?: string): string {
    if (this.entries.length === 0) return '{}';
    return this.entries
      .map((e) => {
        let s = e.name;
        if (allocationRole !== undefined) s += `(allocated: ${allocationRole})`;
        if (e.role !== UNRESERVED_ROLE) s += `(reservations: [(STATIC,${e.role})])`;
        s += ':';
        if (e.kind === 'SCALAR') s += String(Number(fromMilli(e.milli).toPrecision(15)));
        if (e.kind === 'RANGES') s += stringifyRanges(e.ranges);
        if (e.kind === 'SET') s += `{${e.items.join(', ')}}`;
        return s;
      })
      .join('; ');
  }
}

/** The quantities `min_allocatable_resources` asks for (Mesos default `cpus:0.01|mem:32`). */
export function meetsMinimumAllocatable(r: Resources): boolean {
  return r.scalar('cpus') >= 0.01 || r.scalar('mem') >= 32;
}
