/**
 * HTTP routing of the local agent: the public endpoints a real agent serves (`/health`, `/version`,
 * `/state`, `/files/*`) and the master's internal JSON endpoints (`AGENT_INTERNAL`).
 */
import { servedPath, type EmulatedMesosApi } from '../mesos-api.js';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { type AGENT_INTERNAL } from '../internal-protocol.js';
import type { FilesApi } from './files-api.js';
import { internalJson, notFound, okEmpty, okJson, sendReply, textError, type Reply } from './http-replies.js';

/** 4xx/5xx answer of an internal endpoint. */
export class InternalError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type InternalHandler = (body: unknown) => Promise<unknown> | unknown;

export interface AgentRoutes {
  /** Which endpoint names the emulated version has. */
  api: EmulatedMesosApi;
  version: () => Buffer;
  state: () => Buffer;
  files: FilesApi;
  internal: Partial<Record<(typeof AGENT_INTERNAL)[keyof typeof AGENT_INTERNAL], InternalHandler>>;
  /** `POST /api/v1/executor`, which answers (or streams) on its own. */
  executorApi: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

const MAX_INTERNAL_BODY = 16 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_INTERNAL_BODY) {
        rejectBody(new InternalError(413, 'Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', rejectBody);
  });
}

async function internalReply(req: IncomingMessage, handler: InternalHandler): Promise<Reply> {
  if (req.method !== 'POST') return internalJson(405, { error: 'Expecting POST' });
  try {
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw new InternalError(400, `Malformed JSON body: ${(error as Error).message}`);
    }
    return internalJson(200, (await handler(body)) ?? {});
  } catch (error) {
    const status = error instanceof InternalError ? error.status : 500;
    return internalJson(status, { error: (error as Error).message });
  }
}

/**
 * libprocess keeps the raw query; paths may arrive percent-encoded or raw (`?path=/var/...`), and
 * both work with URLSearchParams.
 */
function splitUrl(rawUrl: string): { pathname: string; query: URLSearchParams } {
  const question = rawUrl.indexOf('?');
  const pathname = question < 0 ? rawUrl : rawUrl.slice(0, question);
  const query = new URLSearchParams(question < 0 ? '' : rawUrl.slice(question + 1));
  return { pathname, query };
}

export function createAgentRequestListener(routes: AgentRoutes): RequestListener {
  const route = async (req: IncomingMessage): Promise<Reply> => {
    const { pathname: named, query } = splitUrl(req.url ?? '/');
    const internal = routes.internal[named as keyof AgentRoutes['internal']];
    if (internal !== undefined) return internalReply(req, internal);
    const pathname = servedPath(named, routes.api);
    if (pathname === undefined) return notFound();
    if (pathname === '/health') return okEmpty();
    if (pathname === '/version') return okJson(routes.version(), query.get('jsonp') ?? undefined);
    if (pathname === '/state' || pathname === '/slave(1)/state') {
      return okJson(routes.state(), query.get('jsonp') ?? undefined);
    }
    if (pathname.startsWith('/files/')) return (await routes.files.handle(pathname, query)) ?? notFound();
    return notFound();
  };
  return (req: IncomingMessage, res: ServerResponse) => {
    // The executor API arrived with Mesos 0.28, as stream ids did.
    if (routes.api.streamIds && splitUrl(req.url ?? '/').pathname === '/api/v1/executor') {
      routes.executorApi(req, res).catch(() => res.destroy());
      return;
    }
    route(req)
      .catch((error: unknown) => textError(500, `Internal error: ${(error as Error).message}`))
      .then((reply) => sendReply(res, reply))
      .catch(() => res.destroy());
  };
}
