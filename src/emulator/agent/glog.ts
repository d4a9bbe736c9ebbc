/**
 * glog-formatted lines (`I1124 19:23:38.156534 21561 exec.cpp:164] Version: 1.12.0`), the format of
 * everything Mesos writes to a sandbox's stderr and to its own log. Tools and people grep for these.
 */
import type { Clock } from '../../shared/clock.js';

/** Float seconds with microsecond precision, as in TaskStatus.timestamp (give it `microsecondClock`). */
export function epochSeconds(clock: Pick<Clock, 'now'>): number {
  return Math.round(clock.now() * 1000) / 1e6;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

export type GlogLevel = 'I' | 'W' | 'E';

export function glogLine(level: GlogLevel, source: string, message: string, nowMs: number, threadId = process.pid): string {
  const date = new Date(Math.floor(nowMs));
  const micros = Math.floor(nowMs * 1000) % 1_000_000;
  const stamp =
    `${pad(date.getMonth() + 1)}${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(micros, 6)}`;
  return `${level}${stamp} ${threadId} ${source}] ${message}\n`;
}
