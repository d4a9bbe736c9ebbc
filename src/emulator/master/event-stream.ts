/**
 * One SUBSCRIBE response as a stream of events: each event is encoded, framed as one RecordIO
 * record and written as one HTTP chunk, exactly as Mesos does. Closing writes the final 0-length
 * chunk and leaves the TCP connection open (observed after TEARDOWN); a client that goes away
 * closes it from the other side.
 */
import type { ServerResponse } from 'node:http';
import type { Event } from '../../mesos/protocol/types.js';
import { encodeRecord } from '../../mesos/protocol/recordio.js';
import type { TimerHandle } from '../../shared/clock.js';
import type { MasterClock } from './clock.js';
import type { SchedulerConnection } from './model.js';

export class HttpEventStream implements SchedulerConnection {
  private isClosed = false;
  private heartbeat: TimerHandle | undefined;
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly res: ServerResponse,
    readonly streamId: string,
    private readonly encode: (event: Event) => Uint8Array,
    private readonly clock: MasterClock,
    private readonly heartbeatIntervalMs: number,
    /** An event that cannot be encoded is dropped and reported here instead of failing the caller. */
    private readonly onEncodeError: (error: unknown, event: Event) => void = () => undefined,
  ) {
    // The client hanging up (or the socket breaking) ends the subscription.
    res.on('close', () => this.finish());
  }

  get closed(): boolean {
    return this.isClosed;
  }

  send(event: Event): void {
    if (this.isClosed || this.res.destroyed) return;
    let payload: Uint8Array;
    try {
      payload = this.encode(event);
    } catch (error) {
      this.onEncodeError(error, event);
      return;
    }
    // One record per chunk; the master's sockets send the chunks of one turn in one write
    // (coalesceWritesPerTurn), so a burst of status updates does not cost a system call each.
    this.res.write(encodeRecord(payload));
  }

  startHeartbeats(): void {
    if (this.isClosed || this.heartbeat !== undefined) return;
    this.send({ type: 'HEARTBEAT' });
    this.heartbeat = this.clock.setInterval(() => this.send({ type: 'HEARTBEAT' }), this.heartbeatIntervalMs);
  }

  close(): void {
    if (this.isClosed) return;
    if (!this.res.destroyed) this.res.end();
    this.finish();
  }

  /** Drops the connection without the final chunk, as a dying master process would. */
  abort(): void {
    if (!this.isClosed) this.res.destroy();
    this.finish();
  }

  onClose(listener: () => void): void {
    if (this.isClosed) listener();
    else this.listeners.push(listener);
  }

  private finish(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.heartbeat?.cancel();
    this.heartbeat = undefined;
    for (const l of this.listeners.splice(0)) l();
  }
}
