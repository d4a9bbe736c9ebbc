/**
 * Access to the real-agent recordings (test/fixtures/mesos-1.12) and helpers to compare our
 * answers with them.
 */
import { readFileSync } from 'node:fs';
import { transcriptsDir } from '../../../helpers/transcripts.js';

const FIXTURES = `${transcriptsDir()}/`;

/** Ids of the recorded session, to be swapped for the test's own. */
export const RECORDED = {
  frameworkId: 'b8564f73-9862-4214-8536-043f0ff29368-0000',
  taskId: 'probe-task-1',
  /** The recorded requests and responses name the sandbox under two roots; both are rewritten. */
  sandboxes: [
    '/work/mesos-build/agent-work/slaves/b8564f73-9862-4214-8536-043f0ff29368-S0/frameworks/b8564f73-9862-4214-8536-043f0ff29368-0000/executors/probe-task-1/runs/c196039d-f761-49f1-91ff-e8eb8d3f656c',
    '/var/mesos-builds/agent-work/slaves/b8564f73-9862-4214-8536-043f0ff29368-S0/frameworks/b8564f73-9862-4214-8536-043f0ff29368-0000/executors/probe-task-1/runs/c196039d-f761-49f1-91ff-e8eb8d3f656c',
  ],
  /** The command of the recorded task, minus its final `sleep 30`. */
  command: 'echo hello; echo err 1>&2; mkdir -p logs; echo line >logs/master.log',
} as const;

export interface Recording {
  stem: string;
  /** Request target as sent (`/files/read?path=...`). */
  target: string;
  status: number;
  headerNames: string[];
  body: Buffer;
}

export function loadRecording(stem: string): Recording {
  const request = readFileSync(`${FIXTURES}${stem}.request.bin`, 'latin1');
  const target = request.split('\r\n')[0]!.split(' ')[1]!;
  const raw = readFileSync(`${FIXTURES}${stem}.response.raw`);
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, split).toString('latin1').split('\r\n');
  const status = Number(head[0]!.split(' ')[1]);
  const headerNames = head.slice(1).map((line) => line.slice(0, line.indexOf(':')));
  return { stem, target, status, headerNames, body: raw.subarray(split + 4) };
}

/**
 * JSON with every number replaced by its kind as printed (`"<double>"` for `2.0`, `"<int>"` for `2`),
 * so JSON types can be compared including Mesos' double/integer distinction.
 */
function numberKinds(json: string): unknown {
  let out = '';
  let i = 0;
  while (i < json.length) {
    const c = json[i]!;
    if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      out += json.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i;
      while (j < json.length && /[-+0-9.eE]/.test(json[j]!)) j++;
      out += /[.eE]/.test(json.slice(i, j)) ? '"<double>"' : '"<int>"';
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out) as unknown;
}

/**
 * The "type skeleton" of a JSON document: keys in order, value kinds (`<string>`, `<bool>`, `<int>`,
 * `<double>`), arrays reduced to the skeleton of their first element.
 */
function skeleton(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [skeleton(value[0])];
  if (value === null) return '<null>';
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, skeleton(v)]));
  }
  if (typeof value === 'boolean') return '<bool>';
  if (value === '<int>' || value === '<double>') return value;
  return '<string>';
}

export function jsonSkeleton(body: Buffer | string): string {
  return JSON.stringify(skeleton(numberKinds(body.toString())), null, 1);
}
