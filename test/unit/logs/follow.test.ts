import { describe, expect, it } from 'vitest';
import { follow, type FollowEvent, type FollowSource } from '../../../src/logs/follow.js';
import type { Clock } from '../../../src/shared/clock.js';
import { CancelledError } from '../../../src/shared/errors.js';
import { FakeFiles } from './fake-files.js';

/** A clock whose sleep advances time at once and runs `script(now)` so that files change "meanwhile". */
function scriptedClock(script: (now: number) => void): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted === true) throw new CancelledError();
      sleeps.push(ms);
      now += ms;
      script(now);
      if (isAborted(signal)) throw new CancelledError();
    },
  };
}

function source(files: FakeFiles, file: string, offset = 0, task = 'worker-1'): FollowSource {
  return { task, file, files, path: `/s/${file}`, offset };
}

function texts(events: FollowEvent[], file?: string): string[] {
  return events.flatMap((event) =>
    event.type === 'lines' && (file === undefined || event.source.file === file) ? event.lines.map((line) => line.text) : [],
  );
}

describe('follow', () => {
  it('prints appended lines, backs off while idle and snaps back on new data', async () => {
    const files = new FakeFiles().set('/s/stdout', 'old\n');
    const controller = new AbortController();
    const clock = scriptedClock((now) => {
      if (now === 500) files.append('/s/stdout', 'one\ntw');
      if (now === 1000) files.append('/s/stdout', 'o\n');
      if (now > 20_000) controller.abort();
    });
    const events: FollowEvent[] = [];
    const end = await follow([source(files, 'stdout', 4)], { clock, onEvent: (e) => events.push(e), signal: controller.signal });
    expect(end).toBe('cancelled');
    expect(texts(events)).toEqual(['one', 'two']);
    expect(clock.sleeps.slice(0, 8)).toEqual([500, 500, 500, 500, 1000, 2000, 4000, 5000]);
  });

  it('reads a truncated or rotated file again from the start with a notice', async () => {
    const files = new FakeFiles().set('/s/worker.log', 'a\nb\nc\n');
    const controller = new AbortController();
    const clock = scriptedClock((now) => {
      if (now === 500) files.set('/s/worker.log', 'new\n');
      if (now === 1000) files.append('/s/worker.log', 'more\n');
      if (now >= 3000) controller.abort();
    });
    const events: FollowEvent[] = [];
    await follow([source(files, 'worker.log', 6)], { clock, onEvent: (e) => events.push(e), signal: controller.signal });
    expect(events[0]).toMatchObject({ type: 'truncated', cursor: 6, size: 4 });
    expect(texts(events)).toEqual(['new', 'more']);
    const lines = events.filter((e) => e.type === 'lines');
    expect(lines.map((e) => (e.type === 'lines' ? e.lines[0]!.offset : -1))).toEqual([0, 4]);
  });

  it('reports a failing agent once, keeps following the others, and says when it is back', async () => {
    const good = new FakeFiles('good:5051').set('/s/stdout', '');
    const bad = new FakeFiles('bad:5051').set('/s/stderr', '');
    bad.failure = new Error('connection refused');
    const controller = new AbortController();
    const clock = scriptedClock((now) => {
      if (now === 500) good.append('/s/stdout', 'g1\n');
      if (now === 1500) good.append('/s/stdout', 'g2\n');
      if (now === 2000) {
        bad.failure = undefined;
        bad.append('/s/stderr', 'b1\n');
      }
      if (now >= 4000) controller.abort();
    });
    const events: FollowEvent[] = [];
    await follow([source(good, 'stdout'), source(bad, 'stderr', 0, 'worker-2')], {
      clock,
      onEvent: (e) => events.push(e),
      signal: controller.signal,
    });
    expect(events.filter((e) => e.type === 'failed')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'recovered')).toHaveLength(1);
    expect(texts(events, 'stdout')).toEqual(['g1', 'g2']);
    expect(texts(events, 'stderr')).toEqual(['b1']);
  });

  it('stops by itself once the task is terminal and the files have been idle', async () => {
    const files = new FakeFiles().set('/s/stdout', '');
    let terminal = false;
    let asked = 0;
    const clock = scriptedClock((now) => {
      if (now === 500) files.append('/s/stdout', 'bye\nno newline');
      if (now === 1000) terminal = true;
      if (now > 60_000) throw new Error('did not stop');
    });
    const events: FollowEvent[] = [];
    const end = await follow([source(files, 'stdout')], {
      clock,
      onEvent: (e) => events.push(e),
      untilExit: {
        idleMs: 3000,
        isTerminal: async () => {
          asked++;
          return terminal;
        },
      },
    });
    expect(end).toBe('exited');
    // The unfinished last line is printed when the follow ends.
    expect(texts(events)).toEqual(['bye', 'no newline']);
    expect(clock.now()).toBeGreaterThanOrEqual(500 + 3000);
    expect(clock.now()).toBeLessThan(500 + 3000 + 5000 + 1);
    expect(asked).toBeGreaterThan(0);
  });

  it('adds files that appear meanwhile and reads them from their start', async () => {
    const files = new FakeFiles().set('/s/stdout', '');
    const controller = new AbortController();
    const clock = scriptedClock((now) => {
      if (now === 500) files.set('/s/logs/worker.log', 'started\n');
      if (now >= 4000) controller.abort();
    });
    const events: FollowEvent[] = [];
    await follow([source(files, 'stdout')], {
      clock,
      onEvent: (e) => events.push(e),
      signal: controller.signal,
      discoverEveryMs: 1000,
      discover: async () => [...files.contents.keys()].map((path) => source(files, path.slice('/s/'.length))),
    });
    expect(events.filter((e) => e.type === 'added').map((e) => e.source.file)).toEqual(['logs/worker.log']);
    expect(texts(events, 'logs/worker.log')).toEqual(['started']);
  });

  it('reads a large backlog in slices without sleeping between them', async () => {
    const files = new FakeFiles().set('/s/stdout', 'x\n'.repeat(1000));
    const controller = new AbortController();
    const clock = scriptedClock(() => controller.abort());
    const events: FollowEvent[] = [];
    await follow([source(files, 'stdout')], { clock, onEvent: (e) => events.push(e), signal: controller.signal, maxBytesPerPoll: 100 });
    expect(texts(events)).toHaveLength(1000);
    expect(clock.sleeps).toHaveLength(1);
  });
});

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
