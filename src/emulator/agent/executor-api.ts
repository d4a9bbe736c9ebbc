/**
 * `POST /api/v1/executor` of the local agent: the checks and answers of Mesos 1.12's
 * `Http::executor` (src/slave/http.cpp) in its order, then the call handed to the custom executor
 * it names. JSON only (protobuf bodies are answered 415); see executor-calls.ts for the subset.
 *
 * Bounded: a body above MAX_CALL_BYTES is refused (413) without being kept, and a task may have at
 * most MAX_PENDING_UPDATES_PER_TASK updates waiting for the scheduler's acknowledgement (503 past
 * that), so a hostile executor cannot make the agent hold an unbounded backlog.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomExecutor } from './custom-executor.js';
import { ExecutorCallError, parseExecutorCall } from './executor-calls.js';
import { sendReply, textError } from './http-replies.js';

const MAX_CALL_BYTES = 4 * 1024 * 1024;
const MAX_PENDING_UPDATES_PER_TASK = 256;

export interface ExecutorApiHost {
  /** The custom executor a call names, or which of the two ids is unknown. */
  lookup(frameworkId: string, executorId: string): CustomExecutor | 'unknown-framework' | 'unknown-executor';
  /** Updates of the task not yet acknowledged by the scheduler. */
  pendingUpdates(frameworkId: string, taskId: string): number;
}

function readCall(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_CALL_BYTES) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolveBody(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', rejectBody);
  });
}

function mediaType(header: string | undefined): string | undefined {
  return header?.split(';')[0]?.trim().toLowerCase();
}

function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((part) => ['application/json', 'application/*', '*/*'].includes(mediaType(part) ?? ''));
}

export async function handleExecutorApi(req: IncomingMessage, res: ServerResponse, host: ExecutorApiHost): Promise<void> {
  const reply = (status: number, message = ''): Promise<void> => sendReply(res, textError(status, message));
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return reply(405, `Expecting one of { 'POST' }, but received '${req.method ?? ''}'`);
  }
  const body = await readCall(req);
  if (body === undefined) return reply(413, 'Request body is too large');
  const contentType = mediaType(req.headers['content-type']);
  if (contentType === undefined) return reply(400, "Expecting 'Content-Type' to be present");
  if (contentType !== 'application/json') {
    return reply(415, "Expecting 'Content-Type' of application/json (the local agent has no protobuf executor API)");
  }
  let parsed;
  try {
    parsed = parseExecutorCall(body.toString('utf8'));
  } catch (error) {
    if (error instanceof ExecutorCallError) return reply(error.status, error.message);
    throw error;
  }
  if (parsed === 'UNKNOWN') return reply(501);
  const call = parsed;
  if (call.type === 'SUBSCRIBE' && !acceptsJson(req.headers.accept)) {
    return reply(406, "Expecting 'Accept' to allow 'application/json'");
  }
  if (call.type === 'HEARTBEAT') return reply(202);
  const executor = host.lookup(call.frameworkId, call.executorId);
  if (executor === 'unknown-framework') return reply(400, 'Framework cannot be found');
  if (executor === 'unknown-executor' || executor.terminated) return reply(400, 'Executor cannot be found');
  if (!executor.subscribed && call.type !== 'SUBSCRIBE') return reply(403, 'Executor is not subscribed');
  switch (call.type) {
    case 'SUBSCRIBE':
      executor.subscribe(res);
      return;
    case 'UPDATE': {
      const taskId = call.status!.task_id.value;
      if (host.pendingUpdates(call.frameworkId, taskId) >= MAX_PENDING_UPDATES_PER_TASK) {
        return reply(503, `Too many status updates of task '${taskId}' await acknowledgement; retry later`);
      }
      const refusal = executor.update(call.status!);
      return refusal === undefined ? reply(202) : reply(400, refusal);
    }
    case 'MESSAGE':
      // Executor -> scheduler framework messages are not forwarded by the local cluster.
      return reply(202);
  }
}
