/**
 * The agent's status update manager, as in Mesos: one stream per task; updates leave in order, one at
 * a time; the next is forwarded only once the previous one is acknowledged; an unacknowledged update is
 * re-sent after 10 s, 20 s, 40 s ... (capped). While no master is reachable updates simply queue, and
 * after a (re-)registration every stream re-sends its head at once.
 */
import type { FrameworkID, TaskStatus } from '../../mesos/protocol/types.js';
import { TERMINAL_TASK_STATES } from '../../mesos/protocol/types.js';

export interface StatusUpdateManagerOptions {
  /** Delivers one update to the master. Resolves true if the master accepted it. Never rejects. */
  forward: (frameworkId: FrameworkID, status: TaskStatus) => Promise<boolean>;
  /** First re-send delay (Mesos: 10 s). */
  retryMinMs: number;
  /** Cap of the doubling re-send delay (Mesos: 10 min). */
  retryMaxMs: number;
  /** A terminal update was acknowledged: the task's stream is closed. */
  onTerminalAcknowledged: (frameworkId: string, taskId: string) => void;
}

export type AcknowledgeResult =
  { ok: true; status: TaskStatus } | { ok: false; reason: 'unknown-stream' | 'unexpected-uuid'; expected?: string };

interface Stream {
  readonly frameworkId: FrameworkID;
  readonly taskId: string;
  readonly queue: TaskStatus[];
  retryDelayMs: number;
  timer: NodeJS.Timeout | undefined;
}

const streamKey = (frameworkId: string, taskId: string): string => `${frameworkId}\u0000${taskId}`;

export class StatusUpdateManager {
  private readonly streams = new Map<string, Stream>();
  private stopped = false;

  constructor(private readonly options: StatusUpdateManagerOptions) {}

  /** Queues an update (it must carry a uuid); forwards it at once if the stream is idle. */
  update(frameworkId: FrameworkID, status: TaskStatus): void {
    if (this.stopped) return;
    const key = streamKey(frameworkId.value, status.task_id.value);
    let stream = this.streams.get(key);
    if (stream === undefined) {
      stream = {
        frameworkId,
        taskId: status.task_id.value,
        queue: [],
        retryDelayMs: this.options.retryMinMs,
        timer: undefined,
      };
      this.streams.set(key, stream);
    }
    stream.queue.push(status);
    if (stream.queue.length === 1) this.send(stream);
  }

  acknowledge(frameworkId: string, taskId: string, uuid: string): AcknowledgeResult {
    const stream = this.streams.get(streamKey(frameworkId, taskId));
    const head = stream?.queue[0];
    if (stream === undefined || head === undefined) return { ok: false, reason: 'unknown-stream' };
    if (head.uuid !== uuid) return { ok: false, reason: 'unexpected-uuid', expected: head.uuid };

    clearTimeout(stream.timer);
    stream.timer = undefined;
    stream.queue.shift();
    stream.retryDelayMs = this.options.retryMinMs;
    if (TERMINAL_TASK_STATES.has(head.state)) {
      // Nothing may follow a terminal update; close the stream.
      this.streams.delete(streamKey(frameworkId, taskId));
      this.options.onTerminalAcknowledged(frameworkId, taskId);
    } else if (stream.queue.length > 0) {
      this.send(stream);
    }
    return { ok: true, status: head };
  }

  /** Updates not yet acknowledged for a task, oldest first. */
  pending(frameworkId: string, taskId: string): readonly TaskStatus[] {
    return this.streams.get(streamKey(frameworkId, taskId))?.queue ?? [];
  }

  /** Re-sends every stream's head now (after a registration with a possibly new master). */
  flush(): void {
    for (const stream of this.streams.values()) {
      if (stream.queue.length === 0) continue;
      stream.retryDelayMs = this.options.retryMinMs;
      this.send(stream);
    }
  }

  /** Drops a task's stream and whatever it still holds (its framework is gone). */
  forget(frameworkId: string, taskId: string): void {
    const key = streamKey(frameworkId, taskId);
    clearTimeout(this.streams.get(key)?.timer);
    this.streams.delete(key);
  }

  stop(): void {
    this.stopped = true;
    for (const stream of this.streams.values()) clearTimeout(stream.timer);
  }

  private send(stream: Stream): void {
    if (this.stopped) return;
    const head = stream.queue[0];
    if (head === undefined) return;
    clearTimeout(stream.timer);
    const delay = stream.retryDelayMs;
    stream.retryDelayMs = Math.min(stream.retryDelayMs * 2, this.options.retryMaxMs);
    stream.timer = setTimeout(() => this.send(stream), delay);
    stream.timer.unref();
    void this.options.forward(stream.frameworkId, head);
  }
}
