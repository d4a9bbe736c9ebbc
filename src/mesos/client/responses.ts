/**
 * Turning answers into values or errors. An answer the master should never give (garbage, a
 * truncated body, an unexpected status) is an OperationError (exit 1) that names the endpoint.
 */
import { OperationError, type ErrorDetails } from '../../shared/errors.js';
import { firstLine, oneLineQuote } from '../../shared/excerpt.js';
import type { HttpResponse } from './http.js';

/** The master answered with a status the caller cannot use. */
export class MesosHttpError extends OperationError {
  readonly status: number;
  readonly url: string;
  /** First line of the body: Mesos puts its error message there (text/plain). */
  readonly bodyText: string;

  constructor(response: Pick<HttpResponse, 'status' | 'statusText' | 'url' | 'body'>, details: ErrorDetails = {}) {
    const bodyText = firstLine(response.body.toString('utf8'));
    super(`${response.url} answered ${response.status} ${response.statusText}`.trim() + (bodyText === '' ? '' : `: ${bodyText}`), details);
    this.status = response.status;
    this.url = response.url;
    this.bodyText = bodyText;
  }
}

/** Parses a JSON body; an empty, truncated or non-JSON body is an OperationError naming the URL. */
export function parseJsonBody(response: Pick<HttpResponse, 'url' | 'body' | 'headers'>): unknown {
  const text = response.body.toString('utf8');
  if (text.trim() === '') throw new OperationError(`${response.url} answered with an empty body where JSON was expected`, { hint: HINT });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const truncated = looksTruncated(error instanceof Error ? error.message : '', text, response);
    const type = response.headers['content-type'];
    const what = truncated
      ? 'truncated JSON'
      : `invalid JSON${type !== undefined && !type.includes('json') ? ` (Content-Type ${type})` : ''}`;
    // V8 quotes the text around the fault as it is: line breaks and all.
    const reason = oneLineQuote(error instanceof Error ? error.message : String(error));
    throw new OperationError(
      `${response.url} answered with ${what}: ${reason} (${response.body.length} bytes, starting ${JSON.stringify(text.slice(0, 40))})`,
      {
        hint: HINT,
        cause: error,
      },
    );
  }
}

/** The parser ran out of text (rather than meeting a wrong character), or fewer bytes came than announced. */
function looksTruncated(message: string, text: string, response: Pick<HttpResponse, 'headers' | 'body'>): boolean {
  if (/end of (json )?input|unterminated string/i.test(message)) return true;
  const position = /at position (\d+)/.exec(message);
  if (position !== null && Number(position[1]) >= text.trimEnd().length) return true;
  const declared = response.headers['content-length'];
  return declared !== undefined && Number(declared) > response.body.length;
}

const HINT = 'is --master pointing at a Mesos master (not a proxy error page)? try again if it was restarting';
