/**
 * The local cluster agent's real files API (src/emulator/agent/files-api.ts, Mesos 1.12 semantics)
 * on 127.0.0.1, serving a temporary sandbox attached under a `runs/latest` virtual path.
 */
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesApi, FilesRegistry } from '../../../src/emulator/agent/files-api.js';
import { notFound, sendReply } from '../../../src/emulator/agent/http-replies.js';

export interface FilesApiServer {
  url: string;
  hostPort: string;
  /** Real directory of the sandbox. */
  dir: string;
  /** Virtual path it is attached under. */
  virtualPath: string;
  close(): Promise<void>;
}

export async function startFilesApiServer(virtualPath = '/frameworks/fw-0000/executors/worker-1/runs/latest'): Promise<FilesApiServer> {
  const dir = await mkdtemp(join(tmpdir(), 'logs-sandbox-'));
  const registry = new FilesRegistry();
  await registry.attach(dir, virtualPath);
  const api = new FilesApi(registry);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://agent');
    void api
      .handle(url.pathname, url.searchParams)
      .then((reply) => sendReply(res, reply ?? notFound()))
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    hostPort: `127.0.0.1:${address.port}`,
    dir,
    virtualPath,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
