/**
 * Request routing of the local master, on node:http. Paths are served with and without the
 * `/master` prefix, as libprocess delegates unknown paths to the master process. A master that is
 * not the leader redirects (307, protocol-relative `Location`) to the leader, or answers 503
 * "No leader elected" while there is none, on every endpoint real Mesos guards that way.
 *
 * A master that has just won a ZooKeeper election is not serving yet: for a few seconds
 * (`takingOver`) it answers those same endpoints with a 307 to itself, exactly as Mesos 1.12 does
 * before it has recovered as leader (`Location: //127.0.0.1:5050/api/v1/scheduler`, empty body).
 * Clients must wait that out rather than follow it; the emulator has the window so that a client
 * which does not is caught here, not on a real cluster.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MasterInfo } from '../../mesos/protocol/types.js';
import type { ExecutorExitedRequest, RegisterAgentRequest, StatusUpdateRequest, StatusUpdatesRequest } from '../internal-protocol.js';

import { MASTER_INTERNAL } from '../internal-protocol.js';
import { CONTROL_PREFIX } from '../control-api.js';
import { servedPath, type EmulatedMesosApi } from '../mesos-api.js';
import { replyEmpty, replyJson, replyMesosJson, replyText } from './http-replies.js';
import type { MasterCore } from './master-core.js';
import { handleOperator, type OperatorDeps } from './operator-api.js';
import { handleLibprocess, type LibprocessEndpointDeps } from './libprocess-endpoint.js';
import { handleScheduler } from './scheduler-endpoint.js';
import { renderFrameworks, renderSlaves, renderState, renderTasks, renderVersion, type StateContext } from './state-json.js';

export interface RoutingContext {
  readonly core: () => MasterCore;
  readonly elected: () => boolean;
  /** Elected through ZooKeeper but still inside the window in which Mesos redirects to itself. */
  readonly takingOver: () => boolean;
  readonly leader: () => MasterInfo | undefined;
  readonly stateContext: () => StateContext;
  /** The v1 scheduler API and the driver's libprocess messages. */
  readonly scheduler: LibprocessEndpointDeps;
  readonly operator: OperatorDeps;
  readonly maxBodyBytes: number;
  /** The Mesos version emulated: which endpoints exist. */
  readonly api: EmulatedMesosApi;
  /** The local cluster's control endpoint, under CONTROL_PREFIX; not a Mesos endpoint. */
  readonly control?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  readonly log?: (message: string) => void;
}

const GUARDED = new Set(['/state', '/slaves', '/frameworks', '/tasks', '/api/v1/scheduler', '/api/v1']);

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(undefined));
  });
}

/** Mesos `Master::Http::redirect`. */
function redirect(req: IncomingMessage, res: ServerResponse, path: string, leader: MasterInfo | undefined): void {
  if (leader === undefined) {
    replyText(res, 503, 'No leader elected');
    return;
  }
  const base = `//${leader.hostname ?? leader.address?.ip ?? '127.0.0.1'}:${leader.port}`;
  if (path === '/redirect') {
    replyEmpty(res, 307, { Location: base });
    return;
  }
  replyEmpty(res, 307, { Location: `${base}${req.url ?? '/'}` });
}

export async function route(req: IncomingMessage, res: ServerResponse, ctx: RoutingContext): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  let path = url.pathname;
  if (path === '/master' || path.startsWith('/master/')) path = path.slice('/master'.length) || '/';

  if (ctx.control !== undefined && url.pathname.startsWith(CONTROL_PREFIX)) {
    await ctx.control(req, res);
    return;
  }
  const served = servedPath(path, ctx.api);
  if (served === undefined) {
    replyEmpty(res, 404);
    return;
  }
  path = served;
  if (path === '/version') {
    replyMesosJson(res, renderVersion(ctx.api.version));
    return;
  }
  if (path === '/health') {
    replyEmpty(res, 200);
    return;
  }
  if (path === '/redirect') {
    redirect(req, res, path, ctx.leader());
    return;
  }
  if (path.startsWith('/redirect/')) {
    replyEmpty(res, 404);
    return;
  }
  if (path === '/files/debug') {
    replyMesosJson(res, {});
    return;
  }
  // A libprocess message to the master process (`/master/mesos.internal.RegisterFrameworkMessage`).
  if (/^\/mesos\.[A-Za-z0-9_.]+$/.test(path)) {
    const body = await readBody(req, ctx.maxBodyBytes);
    if (body === undefined) return void (res.headersSent || replyText(res, 413, 'Request body is too large'));
    handleLibprocess(req, res, path.slice(1), body, ctx.scheduler, ctx.elected() && !ctx.takingOver());
    return;
  }
  if (
    path === MASTER_INTERNAL.register ||
    path === MASTER_INTERNAL.statusUpdate ||
    path === MASTER_INTERNAL.statusUpdates ||
    path === MASTER_INTERNAL.executorExited
  ) {
    await handleInternal(req, res, path, ctx);
    return;
  }
  if (!GUARDED.has(path)) {
    replyEmpty(res, 404);
    return;
  }
  // While taking over, leader() is this master itself: the redirect points back here.
  if (!ctx.elected() || ctx.takingOver()) {
    redirect(req, res, path, ctx.leader());
    return;
  }
  switch (path) {
    case '/state':
      replyMesosJson(res, renderState(ctx.stateContext()));
      return;
    case '/slaves':
      replyMesosJson(res, renderSlaves(ctx.core()));
      return;
    case '/frameworks':
      replyMesosJson(res, renderFrameworks(ctx.core()));
      return;
    case '/tasks':
      replyMesosJson(res, renderTasks(ctx.core(), url.searchParams));
      return;
    case '/api/v1/scheduler': {
      const body = await readBody(req, ctx.maxBodyBytes);
      if (body === undefined) return void (res.headersSent || replyText(res, 413, 'Request body is too large'));
      handleScheduler(req, res, body, ctx.scheduler);
      return;
    }
    case '/api/v1': {
      const body = await readBody(req, ctx.maxBodyBytes);
      if (body === undefined) return void (res.headersSent || replyText(res, 413, 'Request body is too large'));
      handleOperator(req, res, body, ctx.operator);
      return;
    }
    default:
      replyEmpty(res, 404);
  }
}

function isUpdate(value: unknown): value is StatusUpdatesRequest['updates'][number] {
  const update = value as Partial<StatusUpdatesRequest['updates'][number]> | undefined;
  return (
    update?.framework_id?.value !== undefined &&
    typeof update.status?.task_id?.value === 'string' &&
    typeof update.status.state === 'string'
  );
}

async function handleInternal(req: IncomingMessage, res: ServerResponse, path: string, ctx: RoutingContext): Promise<void> {
  if (req.method !== 'POST') {
    replyJson(res, 405, { error: 'POST only' });
    return;
  }
  const body = await readBody(req, ctx.maxBodyBytes);
  if (body === undefined) return;
  if (!ctx.elected()) {
    replyJson(res, 503, { error: 'not the leading master' });
    return;
  }
  let message: unknown;
  try {
    message = JSON.parse(body.toString('utf8'));
  } catch {
    replyJson(res, 400, { error: 'body is not JSON' });
    return;
  }
  const core = ctx.core();
  if (path === MASTER_INTERNAL.register) {
    const reg = message as Partial<RegisterAgentRequest>;
    if (typeof reg.endpoint !== 'string' || typeof reg.hostname !== 'string' || !Array.isArray(reg.resources)) {
      replyJson(res, 400, { error: 'expected hostname, endpoint and resources' });
      return;
    }
    try {
      replyJson(res, 200, core.registerAgent({ tasks: [], port: 0, version: '', ...reg } as RegisterAgentRequest));
    } catch (error) {
      ctx.log?.(`agent registration failed: ${String(error)}`);
      replyJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
    }
    return;
  }
  if (path === MASTER_INTERNAL.statusUpdates) {
    const batch = message as Partial<StatusUpdatesRequest>;
    const agentId = batch.agent_id;
    if (agentId?.value === undefined || !Array.isArray(batch.updates) || !batch.updates.every(isUpdate)) {
      replyJson(res, 400, { error: 'expected agent_id and updates, each with framework_id and status' });
      return;
    }
    for (const update of batch.updates) {
      if (!core.statusUpdate({ agent_id: agentId, ...update })) {
        replyJson(res, 404, { error: `agent ${agentId.value} is not registered with this master` });
        return;
      }
    }
    replyJson(res, 200, {});
    return;
  }
  if (path === MASTER_INTERNAL.executorExited) {
    const exited = message as Partial<ExecutorExitedRequest>;
    if (exited.agent_id?.value === undefined || exited.framework_id?.value === undefined || exited.executor_id?.value === undefined) {
      replyJson(res, 400, { error: 'expected agent_id, framework_id and executor_id' });
      return;
    }
    if (!core.executorExited(exited as ExecutorExitedRequest)) {
      replyJson(res, 404, { error: `agent ${exited.agent_id.value} is not registered with this master` });
      return;
    }
    replyJson(res, 200, {});
    return;
  }
  const update = message as Partial<StatusUpdateRequest>;
  if (
    update.agent_id?.value === undefined ||
    update.framework_id?.value === undefined ||
    typeof update.status?.task_id?.value !== 'string' ||
    typeof update.status.state !== 'string'
  ) {
    replyJson(res, 400, { error: 'expected agent_id, framework_id and status' });
    return;
  }
  if (!core.statusUpdate(update as StatusUpdateRequest)) {
    replyJson(res, 404, { error: `agent ${update.agent_id.value} is not registered with this master` });
    return;
  }
  replyJson(res, 200, {});
}
