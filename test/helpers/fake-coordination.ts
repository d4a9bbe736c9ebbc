/**
 * An in-memory CoordinationClient: one shared tree, several sessions. Enough ZooKeeper semantics for
 * election and compare-and-set logic: sequential names, ephemeral nodes deleted with their session,
 * data versions, one-shot watches.
 */
import {
  VersionConflictError,
  type CoordinationClient,
  type SessionEvent,
  type VersionedData,
} from '../../src/mesos/zookeeper/coordination.js';

interface FakeNode {
  data: Buffer;
  version: number;
  owner: FakeSession | undefined;
}

export class FakeZooKeeper {
  readonly nodes = new Map<string, FakeNode>();
  private sequence = 0;
  private watches: Array<{ path: string; fire: () => void; kind: 'node' | 'children' }> = [];

  session(sessionTimeoutMs = 5_000): FakeSession {
    return new FakeSession(this, sessionTimeoutMs);
  }

  nextSequence(): string {
    return String(this.sequence++).padStart(10, '0');
  }

  changed(path: string): void {
    const parent = path.slice(0, path.lastIndexOf('/'));
    const due = this.watches.filter((w) => (w.kind === 'node' && w.path === path) || (w.kind === 'children' && w.path === parent));
    this.watches = this.watches.filter((w) => !due.includes(w));
    for (const w of due) w.fire();
  }

  watch(path: string, kind: 'node' | 'children', fire: () => void): void {
    this.watches.push({ path, kind, fire });
  }
}

export class FakeSession implements CoordinationClient {
  private listeners = new Set<(event: SessionEvent) => void>();
  connected = true;

  constructor(
    readonly tree: FakeZooKeeper,
    readonly sessionTimeoutMs: number,
  ) {}

  private get nodes(): Map<string, FakeNode> {
    return this.tree.nodes;
  }

  async mkdirp(path: string): Promise<void> {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i += 1) {
      const at = `/${parts.slice(0, i).join('/')}`;
      if (!this.nodes.has(at)) this.nodes.set(at, { data: Buffer.alloc(0), version: 0, owner: undefined });
    }
  }

  async createEphemeralSequential(prefix: string, data: Buffer): Promise<string> {
    const path = `${prefix}${this.tree.nextSequence()}`;
    this.nodes.set(path, { data, version: 0, owner: this });
    this.tree.changed(path);
    return path.slice(path.lastIndexOf('/') + 1);
  }

  async create(path: string, data: Buffer): Promise<void> {
    if (this.nodes.has(path)) throw new VersionConflictError(path, 'was created by someone else');
    this.nodes.set(path, { data, version: 0, owner: undefined });
    this.tree.changed(path);
  }

  async read(path: string): Promise<VersionedData | undefined> {
    const node = this.nodes.get(path);
    return node === undefined ? undefined : { data: node.data, version: node.version };
  }

  async write(path: string, data: Buffer, version: number): Promise<number> {
    const node = this.nodes.get(path);
    if (node === undefined) throw new VersionConflictError(path, 'was deleted by someone else');
    if (version !== -1 && node.version !== version) throw new VersionConflictError(path, 'was written by someone else');
    node.data = data;
    node.version += 1;
    this.tree.changed(path);
    return node.version;
  }

  async children(path: string, watch?: () => void): Promise<string[] | undefined> {
    if (!this.nodes.has(path)) return undefined;
    if (watch !== undefined) this.tree.watch(path, 'children', watch);
    return [...this.nodes.keys()]
      .filter((key) => key.startsWith(`${path}/`) && !key.slice(path.length + 1).includes('/'))
      .map((key) => key.slice(path.length + 1));
  }

  async exists(path: string, watch?: () => void): Promise<boolean> {
    if (watch !== undefined) this.tree.watch(path, 'node', watch);
    return this.nodes.has(path);
  }

  async remove(path: string, version = -1): Promise<boolean> {
    const node = this.nodes.get(path);
    if (node === undefined) return false;
    if (version !== -1 && node.version !== version) throw new VersionConflictError(path, 'was written by someone else');
    this.nodes.delete(path);
    this.tree.changed(path);
    return true;
  }

  onSession(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The connection drops (the session lives on, for now). */
  disconnect(): void {
    this.connected = false;
    for (const listener of [...this.listeners]) listener('disconnected');
  }

  /** The server expired the session: its ephemeral nodes go. */
  expire(): void {
    this.connected = false;
    for (const [path, node] of [...this.nodes]) {
      if (node.owner === this) {
        this.nodes.delete(path);
        this.tree.changed(path);
      }
    }
    for (const listener of [...this.listeners]) listener('expired');
  }

  async close(): Promise<void> {
    this.expire();
    this.listeners.clear();
  }
}
