/**
 * The steps every v1 API endpoint (scheduler and operator) takes before it looks at a call, with
 * the status codes and texts real Mesos answers: POST only, a supported Content-Type, a body that
 * decodes. On failure the reply is already sent and undefined comes back.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyMethodNotAllowed, replyText } from './http-replies.js';
import { requestMediaType, type MesosMediaType } from './media.js';

export function requestHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function decodePostedCall<T>(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  decode: (body: Buffer, media: MesosMediaType) => T,
): { call: T; media: MesosMediaType } | undefined {
  if (req.method !== 'POST') {
    replyMethodNotAllowed(res, ['POST'], req.method ?? '');
    return undefined;
  }
  const media = requestMediaType(requestHeader(req, 'content-type'));
  if (media === 'missing') {
    replyText(res, 400, "Expecting 'Content-Type' to be present");
    return undefined;
  }
  if (media === 'unsupported') {
    replyText(res, 415, "Expecting 'Content-Type' of application/json or application/x-protobuf");
    return undefined;
  }
  try {
    return { call: decode(body, media), media };
  } catch (error) {
    replyText(res, 400, error instanceof Error ? error.message : String(error));
    return undefined;
  }
}
