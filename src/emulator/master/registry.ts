/**
 * What survives a master restart, like Mesos' replicated-log registry: the admitted agents (their
 * ids and declared resources) and which ones were marked unreachable. Frameworks and tasks are not in
 * it; they come back when agents re-register and schedulers re-subscribe.
 *
 * Kept in memory for an in-process restart, and written to `<workDir>/registry.json` when the master
 * has a work dir so that a restarted `local-cluster` process finds it again.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Resource } from '../../mesos/protocol/types.js';

export interface RegistryAgent {
  readonly id: string;
  readonly hostname: string;
  readonly port: number;
  /** Where the master reaches the agent (`http://ip:port`). */
  readonly endpoint: string;
  readonly resources: Resource[];
}

interface RegistryFile {
  agents: RegistryAgent[];
  unreachable: Array<{ id: string; time: number }>;
}

export class Registry {
  private readonly agents = new Map<string, RegistryAgent>();
  private readonly unreachable = new Map<string, number>();

  constructor(private readonly file?: string) {
    if (file === undefined) return;
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<RegistryFile>;
      for (const a of data.agents ?? []) this.agents.set(a.id, a);
      for (const u of data.unreachable ?? []) this.unreachable.set(u.id, u.time);
    } catch {
      // No registry yet: a fresh cluster.
    }
  }

  static inWorkDir(workDir: string | undefined): Registry {
    return new Registry(workDir === undefined ? undefined : path.join(workDir, 'registry.json'));
  }

  admitted(): RegistryAgent[] {
    return [...this.agents.values()];
  }

  unreachableAgents(): Map<string, number> {
    return new Map(this.unreachable);
  }

  admit(agent: RegistryAgent): void {
    this.agents.set(agent.id, agent);
    this.unreachable.delete(agent.id);
    this.persist();
  }

  /** The agent is gone for good (Mesos' RemoveSlave operation): neither admitted nor unreachable. */
  remove(id: string): void {
    this.agents.delete(id);
    this.unreachable.delete(id);
    this.persist();
  }

  markUnreachable(id: string, time: number): void {
    this.agents.delete(id);
    this.unreachable.set(id, time);
    this.persist();
  }

  private persist(): void {
    if (this.file === undefined) return;
    const data: RegistryFile = {
      agents: [...this.agents.values()],
      unreachable: [...this.unreachable].map(([id, time]) => ({ id, time })),
    };
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, this.file);
  }
}
