/**
 * Scripted answers with a Mesos agent's files API over in-memory files, for FixtureServer: the
 * 64 KiB read cap, size on offset=-1, EOF echo, empty 404, and `data` written the way stout does
 * (raw bytes, escaping only ", \, / and control characters).
 */
import type { FixtureResponse, RecordedRequest } from '../../helpers/http-fixture-server.js';

function stoutJsonString(bytes: Buffer): Buffer {
  const escapes: Record<number, string> = {
    0x22: '\\"',
    0x5c: '\\\\',
    0x2f: '\\/',
    0x08: '\\b',
    0x0c: '\\f',
    0x0a: '\\n',
    0x0d: '\\r',
    0x09: '\\t',
  };
  const parts: Buffer[] = [Buffer.from('"')];
  let plainStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    const escape = escapes[byte] ?? (byte < 0x20 || byte === 0x7f ? `\\u${byte.toString(16).padStart(4, '0')}` : undefined);
    if (escape === undefined) continue;
    parts.push(bytes.subarray(plainStart, i), Buffer.from(escape));
    plainStart = i + 1;
  }
  parts.push(bytes.subarray(plainStart), Buffer.from('"'));
  return Buffer.concat(parts);
}

export function mesosFilesAnswer(files: Map<string, Buffer>): (request: RecordedRequest) => FixtureResponse {
  return (request) => {
    const url = new URL(request.path, 'http://agent');
    const path = url.searchParams.get('path');
    if (path === null)
      return { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: "Expecting 'path=value' in query.\n" };
    const data = files.get(path);
    if (url.pathname === '/files/download') {
      if (data === undefined) return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
      return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: data };
    }
    if (url.pathname === '/files/browse') {
      const prefix = `${path}/`;
      const names = new Set(
        [...files.keys()].filter((file) => file.startsWith(prefix)).map((file) => file.slice(prefix.length).split('/')[0]!),
      );
      if (names.size === 0) return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
      const list = [...names].sort().map((name) => {
        const file = files.get(`${prefix}${name}`);
        return {
          gid: 'root',
          mode: file === undefined ? 'drwxr-xr-x' : '-rw-r--r--',
          mtime: 1795548218.0,
          nlink: 1,
          path: `${prefix}${name}`,
          size: file?.length ?? 4096,
          uid: 'root',
        };
      });
      return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(list) };
    }
    if (data === undefined) return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
    const offsetText = url.searchParams.get('offset');
    const offset = offsetText === null ? -1 : Number(offsetText);
    if (offset === -1) return { status: 200, headers: { 'Content-Type': 'application/json' }, body: `{"data":"","offset":${data.length}}` };
    const lengthText = url.searchParams.get('length');
    const length = Math.min(lengthText === null || lengthText === '-1' ? data.length : Number(lengthText), 64 * 1024);
    const slice = data.subarray(offset, offset + length);
    return {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.concat([Buffer.from('{"data":'), stoutJsonString(slice), Buffer.from(`,"offset":${offset}}`)]),
    };
  };
}
