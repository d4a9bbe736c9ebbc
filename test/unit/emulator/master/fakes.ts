/** Test doubles for the master core: a manual clock, a recording gateway, in-memory connections. */
import type { AgentGateway, PingRequest } from '../../../../src/emulator/master/agent-gateway.js';
import type { TimerHandle } from '../../../../src/shared/clock.js';
import type { MasterClock } from '../../../../src/emulator/master/clock.js';
import type { SchedulerConnection } from '../../../../src/emulator/master/model.js';
import type { Event } from '../../../../src/mesos/protocol/types.js';

export class ManualClock implements MasterClock {
  private time = 1_700_000_000_000;
  private timers: Array<{ at: number; fn: () => void; every?: number; id: number }> = [];
  private nextId = 0;

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return { cancel: () => (this.timers = this.timers.filter((t) => t.id !== id)) };
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, every: ms, id });
    return { cancel: () => (this.timers = this.timers.filter((t) => t.id !== id)) };
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.time = Math.max(this.time, due.at);
      if (due.every !== undefined) due.at += due.every;
      else this.timers = this.timers.filter((t) => t.id !== due.id);
      due.fn();
    }
    this.time = end;
  }
}

export class RecordingGateway implements AgentGateway {
  readonly sent: Array<{ kind: string; endpoint: string; message: unknown }> = [];
  launch(endpoint: string, message: unknown): void {
    this.sent.push({ kind: 'launch', endpoint, message });
  }
  kill(endpoint: string, message: unknown): void {
    this.sent.push({ kind: 'kill', endpoint, message });
  }
  acknowledge(endpoint: string, message: unknown): void {
    this.sent.push({ kind: 'acknowledge', endpoint, message });
  }
  shutdownFramework(endpoint: string, message: unknown): void {
    this.sent.push({ kind: 'shutdown', endpoint, message });
  }
  updateFramework(endpoint: string, message: unknown): void {
    this.sent.push({ kind: 'update-framework', endpoint, message });
  }
  ping(_endpoint: string, _message: PingRequest): Promise<number> {
    return Promise.resolve(200);
  }
  close(): void {}
  of(kind: string): unknown[] {
    return this.sent.filter((s) => s.kind === kind).map((s) => s.message);
  }
}

export class MemoryConnection implements SchedulerConnection {
  readonly events: Event[] = [];
  closed = false;
  heartbeats = false;
  private listeners: Array<() => void> = [];
  constructor(readonly streamId = `stream-${Math.random().toString(16).slice(2)}`) {}
  send(event: Event): void {
    if (!this.closed) this.events.push(event);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.listeners.splice(0)) l();
  }
  /** The client going away. */
  drop(): void {
    this.close();
  }
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.listeners.push(listener);
  }
  startHeartbeats(): void {
    this.heartbeats = true;
  }
  types(): string[] {
    return this.events.map((e) => e.type ?? '(none)');
  }
}
