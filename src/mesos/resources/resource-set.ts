/**
 * A set of resources with Mesos' `Resources` semantics: scalars in fixed point (three decimals, so
 * 2.0 - 0.1 is exactly 1.9), ranges coalesced (adjacent ranges merge), sets as unions, and one entry
 * per (name, role). A role other than `*` is a (static) reservation for that role. Order of first
 * appearance is kept, because that is the order Mesos lists resources in offers. As in Mesos,
 * adding an empty resource is a no-op and a resource that becomes empty by subtraction disappears;
 * an invalid range (`begin > end`) throws InvalidRangesError, since Mesos refuses such a resource
 * (`Resources::validate`) before any arithmetic: validate untrusted input first.
 *
 * The range arithmetic itself is ranges.ts; this class adds the per-(name, role) bookkeeping.
 */
import type { Range, Resource } from '../protocol/types.js';
import { mergeRanges, normalizeRanges, rangesContain, resourceRole, stringifyRanges, subtractRanges } from './ranges.js';

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

function entryOf(r: Resource): ResourceEntry | undefined {
  const role = resourceRole(r);
  switch (r.type) {
    case 'SCALAR':
      return { name: r.name, role, kind: 'SCALAR', milli: toMilli(r.scalar?.value ?? 0), ranges: [], items: [] };
    case 'RANGES':
      return { name: r.name, role, kind: 'RANGES', milli: 0, ranges: normalizeRanges(r.ranges?.range ?? []), items: [] };
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
        ranges: cur.kind === 'RANGES' ? mergeRanges(cur.ranges, e.ranges) : cur.ranges,
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
        let value = '';
        if (e.kind === 'SCALAR') value = String(Number(fromMilli(e.milli).toPrecision(15)));
        if (e.kind === 'RANGES') value = stringifyRanges(e.ranges);
        if (e.kind === 'SET') value = `{${e.items.join(', ')}}`;
        return describeResource(e.name, e.role, value, allocationRole);
      })
      .join('; ');
  }
}

/** Mesos' `operator<<(Resource)`: `ports(allocated: *)(reservations: [(STATIC,r)]):[1-2]`. */
export function describeResource(name: string, role: string, value: string, allocationRole?: string): string {
  let s = name;
  if (allocationRole !== undefined) s += `(allocated: ${allocationRole})`;
  if (role !== UNRESERVED_ROLE) s += `(reservations: [(STATIC,${role})])`;
  return `${s}:${value}`;
}
