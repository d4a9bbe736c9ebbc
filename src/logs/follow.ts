/**
 * `--follow`: polls every source's size and reads what was appended. Polling starts at 500 ms and
 * backs off (doubling, up to 5 s) while nothing changes, and snaps back on new data. A file that is
 * smaller than our cursor was truncated or rotated: it is read again from the start, with a notice.
 * A source that fails (its agent down) is reported once and retried, without stopping the others.
 * The loop ends on the signal (Ctrl-C), or with `untilExit` once the task is terminal and no file
 * has changed for `idleMs`.
 */
import { backoffDelay, type BackoffPolicy } from '../shared/backoff.js';
import type { Clock } from '../shared/clock.js';
import { readRange, type SandboxFiles } from './files-client.js';
import { Utf8LineDecoder, type Line } from './utf8-lines.js';

export interface FollowSource {
  /** Header label, e.g. `worker-3`. */
  task: string;
  /** Name relative to the sandbox, e.g. `logs/worker.log`. */
  file: string;
  files: SandboxFiles;
  /** Path for the files API. */
  path: string;
  /** Where to start reading (the end of what the tail printed). */
  offset: number;
}

export type FollowEvent =
  | { type: 'lines'; source: FollowSource; lines: Line[] }
  | { type: 'truncated'; source: FollowSource; cursor: number; size: number }
  | { type: 'failed'; source: FollowSource; error: unknown }
  | { type: 'recovered'; source: FollowSource }
  /** A file that appeared after the follow started (e.g. `logs/worker.log` once Alluxio starts). */
  | { type: 'added'; source: FollowSource };

export interface FollowOptions {
  clock: Clock;
  onEvent: (event: FollowEvent) => void;
  signal?: AbortSignal;
  /** First and active poll interval; default 500 ms. */
  intervalMs?: number;
  /** Longest interval while idle; default 5000 ms. */
  maxIntervalMs?: number;
  /** Most bytes read from one source per poll, so one busy file cannot starve the others; default 4 MiB. */
  maxBytesPerPoll?: number;
  /** Stop once the task is terminal and nothing changed for idleMs (default 3000 ms). */
  untilExit?: { isTerminal: () => Promise<boolean>; idleMs?: number };
  /**
   * The files that exist now (asked every `discoverEveryMs`, default 5000 ms): those not yet
   * followed are added and read from their start. Failures are ignored until the next round.
   */
  discover?: () => Promise<FollowSource[]>;
  discoverEveryMs?: number;
}

export type FollowEnd = 'exited' | 'cancelled';

interface SourceState {
  source: FollowSource;
  cursor: number;
  decoder: Utf8LineDecoder;
  failing: boolean;
}

interface PollResult {
  events: FollowEvent[];
  changed: boolean;
  /** More bytes are waiting beyond maxBytesPerPoll. */
  behind: boolean;
}

export async function follow(sources: readonly FollowSource[], options: FollowOptions): Promise<FollowEnd> {
  const baseInterval = options.intervalMs ?? 500;
  // The first idle round waits the base interval, each further one twice as long, up to the cap.
  const idleBackoff: BackoffPolicy = { initialMs: baseInterval, maxMs: options.maxIntervalMs ?? 5000, jitter: 'none' };
  const maxBytes = options.maxBytesPerPoll ?? 4 * 1024 * 1024;
  const idleMs = options.untilExit?.idleMs ?? 3000;
  const states: SourceState[] = sources.map((source) => ({
    source,
    cursor: source.offset,
    decoder: new Utf8LineDecoder(source.offset),
    failing: false,
  }));
  let idleRounds = 0;
  let lastChange = options.clock.now();
  let lastDiscovery = options.clock.now();
  // By path: a relaunched task keeps its label (the alias) and file names, in a new sandbox.
  const keyOf = (source: FollowSource): string => `${source.task}\u0000${source.path}`;
  const known = new Set(sources.map(keyOf));

  for (;;) {
    if (isAborted(options.signal)) return finish(states, options, 'cancelled');
    if (options.discover !== undefined && options.clock.now() - lastDiscovery >= (options.discoverEveryMs ?? 5000)) {
      lastDiscovery = options.clock.now();
      let found: FollowSource[] = [];
      try {
        found = await options.discover();
      } catch {
        // An agent that does not answer now may later; its known files are still polled.
      }
      for (const source of found) {
        if (known.has(keyOf(source))) continue;
        known.add(keyOf(source));
        states.push({ source, cursor: source.offset, decoder: new Utf8LineDecoder(source.offset), failing: false });
        options.onEvent({ type: 'added', source });
      }
    }
    const results = await Promise.all(states.map((state) => poll(state, maxBytes, options.signal)));
    if (isAborted(options.signal)) return finish(states, options, 'cancelled');
    // Emitted in source order after all polls, so interleaving is stable whatever answers first.
    for (const result of results) for (const event of result.events) options.onEvent(event);

    const changed = results.some((result) => result.changed);
    const behind = results.some((result) => result.behind);
    const delay = changed ? baseInterval : backoffDelay(idleRounds++, idleBackoff);
    if (changed) idleRounds = 0;
    if (changed) lastChange = options.clock.now();
    if (!changed && options.untilExit !== undefined && options.clock.now() - lastChange >= idleMs) {
      let terminal = false;
      try {
        terminal = await options.untilExit.isTerminal();
      } catch {
        // The master not answering is no reason to stop following: try again next round.
      }
      if (terminal) return finish(states, options, 'exited');
    }
    if (behind) continue;
    try {
      await options.clock.sleep(delay, options.signal);
    } catch {
      return finish(states, options, 'cancelled');
    }
  }
}

async function poll(state: SourceState, maxBytes: number, signal: AbortSignal | undefined): Promise<PollResult> {
  const events: FollowEvent[] = [];
  const { source } = state;
  try {
    const size = await source.files.size(source.path, signal);
    if (state.failing) {
      state.failing = false;
      events.push({ type: 'recovered', source });
    }
    let changed = false;
    if (size < state.cursor) {
      events.push({ type: 'truncated', source, cursor: state.cursor, size });
      state.cursor = 0;
      state.decoder.reset(0);
      changed = true;
    }
    if (size === state.cursor) return { events, changed, behind: false };
    const wanted = Math.min(size - state.cursor, maxBytes);
    const data = await readRange(source.files, source.path, state.cursor, wanted, signal);
    state.cursor += data.length;
    const lines = state.decoder.push(data);
    if (lines.length > 0) events.push({ type: 'lines', source, lines });
    return { events, changed: changed || data.length > 0, behind: data.length === wanted && state.cursor < size };
  } catch (error) {
    if (isAborted(signal)) return { events, changed: false, behind: false };
    if (!state.failing) {
      state.failing = true;
      events.push({ type: 'failed', source, error });
    }
    return { events, changed: false, behind: false };
  }
}

/** A last line without its newline is still printed when the follow ends. */
function finish(states: SourceState[], options: FollowOptions, end: FollowEnd): FollowEnd {
  for (const state of states) {
    const last = state.decoder.flush();
    if (last !== undefined) options.onEvent({ type: 'lines', source: state.source, lines: [last] });
  }
  return end;
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
