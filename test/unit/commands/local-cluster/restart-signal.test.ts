/** SIGUSR2 of local-cluster: never fatal while the cluster starts, a restart once it is ready. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installRestartSignal } from '../../../../src/commands/local-cluster/restart-signal.js';

function setUp(
  standalone: boolean,
): { target: EventEmitter; lines: string[]; restarts: number[]; finish: () => void } & ReturnType<typeof installRestartSignal> {
  const target = new EventEmitter();
  const lines: string[] = [];
  const restarts: number[] = [];
  let finish: () => void = () => undefined;
  const installed = installRestartSignal({
    restart: () =>
      new Promise<void>((resolve) => {
        restarts.push(restarts.length + 1);
        finish = resolve;
      }),
    say: (line) => lines.push(line),
    standalone,
    target: target as unknown as NodeJS.Process,
  });
  return { target, lines, restarts, finish: () => finish(), ...installed };
}

describe('local-cluster restart signal', () => {
  it('is listened for from the start, and ignored with a line while the cluster starts', () => {
    const s = setUp(false);
    expect(s.target.listenerCount('SIGUSR2')).toBe(1);
    s.target.emit('SIGUSR2', 'SIGUSR2');
    expect(s.restarts).toEqual([]);
    expect(s.lines).toEqual(['SIGUSR2 ignored: the local cluster is still starting; send it again once it is ready']);
  });

  it('restarts the master once ready, one restart at a time', async () => {
    const s = setUp(false);
    s.ready();
    s.target.emit('SIGUSR2', 'SIGUSR2');
    s.target.emit('SIGUSR2', 'SIGUSR2');
    expect(s.restarts).toEqual([1]);
    expect(s.lines).toEqual([
      'SIGUSR2: restarting the master; the agents re-register through ZooKeeper',
      'SIGUSR2 ignored: the master is already restarting',
    ]);
    s.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.lines.at(-1)).toBe('the master restarted');
    s.target.emit('SIGUSR2', 'SIGUSR2');
    expect(s.restarts).toEqual([1, 2]);
  });

  it('says that standalone agents will not come back', () => {
    const s = setUp(true);
    s.ready();
    s.target.emit('SIGUSR2', 'SIGUSR2');
    expect(s.lines[0]).toMatch(/Without ZooKeeper the agents do not re-register with it, as on Mesos/);
  });

  it('remove stops listening', () => {
    const s = setUp(false);
    s.remove();
    expect(s.target.listenerCount('SIGUSR2')).toBe(0);
  });
});
