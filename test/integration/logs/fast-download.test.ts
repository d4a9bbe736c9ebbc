import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixtureServer } from '../../helpers/http-fixture-server.js';
import { fastDownload } from '../../../src/logs/fast-download.js';
import { AgentFilesClient, SandboxFileMissingError } from '../../../src/logs/files-client.js';
import { HttpTransport } from '../../../src/mesos/client/http.js';
import { endpointNames, parseMesosVersion } from '../../../src/mesos/client/version.js';

async function collect(body: NodeJS.ReadableStream, delayMs = 0): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(
    body,
    new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        if (delayMs === 0) callback();
        else setTimeout(callback, delayMs);
      },
    }),
  );
  return Buffer.concat(chunks);
}

describe('fastDownload', () => {
  let server: FixtureServer;
  let transport: HttpTransport;
  const data = Buffer.from(Array.from({ length: 5 * 1024 * 1024 + 17 }, (_, i) => (i * 7) % 256));

  beforeEach(async () => {
    server = await FixtureServer.start();
    transport = new HttpTransport({
      baseUrl: server.url,
      timeoutMs: 5000,
      credentials: { principal: 'p', secret: 's', secretSource: 'test' },
    });
  });
  afterEach(async () => {
    transport.close();
    await server.close();
  });

  it('streams a Content-Length body byte for byte, also to a slow consumer', async () => {
    server.route('GET', '/files/download', { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: data });
    const fast = await fastDownload({
      baseUrl: server.url,
      path: '/files/download?path=%2Fx',
      headers: { Authorization: 'Basic abc' },
      timeoutMs: 5000,
    });
    expect(fast?.size).toBe(data.length);
    expect((await collect(fast!.body)).equals(data)).toBe(true);
    expect(server.requests[0]!.headers.authorization).toBe('Basic abc');
    const slow = await fastDownload({ baseUrl: server.url, path: '/files/download?path=%2Fx', headers: {}, timeoutMs: 5000 });
    expect((await collect(slow!.body, 1)).length).toBe(data.length);
  });

  it('hands anything unusual over to the transport: errors, chunked coding, refused connections', async () => {
    const agent = new AgentFilesClient({ transport, endpoints: endpointNames(parseMesosVersion('1.12.0')).agent });
    server.route('GET', '/files/download', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    expect(await fastDownload({ baseUrl: server.url, path: '/files/download?path=a', headers: {}, timeoutMs: 5000 })).toBeUndefined();
    await expect(agent.download('/missing')).rejects.toBeInstanceOf(SandboxFileMissingError);

    const chunked = Buffer.from(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\n\r\n5\r\nhello\r\n1\r\n\n\r\n0\r\n\r\n',
    );
    server.route('GET', '/files/download', { raw: chunked });
    expect(await fastDownload({ baseUrl: server.url, path: '/files/download?path=a', headers: {}, timeoutMs: 5000 })).toBeUndefined();
    const download = await agent.download('/chunked');
    expect((await collect(download.body)).toString()).toBe('hello\n');
    // The agent sent the credentials on both paths.
    const agentRequests = server.requests.filter((request) => /path=%2F(missing|chunked)$/.test(request.path));
    // Each tried fast first, then through the transport.
    expect(agentRequests).toHaveLength(4);
    expect(agentRequests.every((request) => request.headers.authorization === 'Basic cDpz')).toBe(true);

    const closed = await FixtureServer.start();
    const port = closed.port;
    await closed.close();
    expect(await fastDownload({ baseUrl: `http://127.0.0.1:${port}`, path: '/x', headers: {}, timeoutMs: 1000 })).toBeUndefined();
    expect(await fastDownload({ baseUrl: 'https://127.0.0.1:1', path: '/x', headers: {}, timeoutMs: 1000 })).toBeUndefined();
  });

  it('fails the body when the connection ends before Content-Length bytes', async () => {
    server.route('GET', '/files/download', { raw: Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this') });
    const fast = await fastDownload({ baseUrl: server.url, path: '/files/download?path=a', headers: {}, timeoutMs: 5000 });
    await expect(collect(fast!.body)).rejects.toThrow(/91 bytes of the file still to come/);
  });
});
