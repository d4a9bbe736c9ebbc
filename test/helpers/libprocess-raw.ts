/**
 * Splits bytes a libprocess peer sent on one connection (kept-alive HTTP/1.1 requests, each body
 * either chunked or with a Content-Length) into requests, for the recorded legacy exchange.
 */
export interface RawLibprocessRequest {
  readonly requestLine: string;
  /** Header names as sent (case kept), in order. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

export function splitLibprocessRequests(raw: Buffer): RawLibprocessRequest[] {
  const requests: RawLibprocessRequest[] = [];
  let at = 0;
  while (at < raw.length) {
    const headEnd = raw.indexOf('\r\n\r\n', at);
    if (headEnd < 0) throw new Error(`truncated request head at byte ${at}`);
    const [requestLine = '', ...lines] = raw.subarray(at, headEnd).toString('latin1').split('\r\n');
    const headers = lines.map((line): [string, string] => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1).trim()];
    });
    at = headEnd + 4;
    const header = (name: string): string | undefined => headers.find(([key]) => key.toLowerCase() === name)?.[1];
    const chunks: Buffer[] = [];
    if (header('transfer-encoding') === 'chunked') {
      for (;;) {
        const sizeEnd = raw.indexOf('\r\n', at);
        const size = Number.parseInt(raw.subarray(at, sizeEnd).toString('latin1'), 16);
        at = sizeEnd + 2;
        if (size === 0) {
          at += 2;
          break;
        }
        chunks.push(raw.subarray(at, at + size));
        at += size + 2;
      }
    } else {
      const length = Number(header('content-length') ?? '0');
      chunks.push(raw.subarray(at, at + length));
      at += length;
    }
    requests.push({ requestLine, headers, body: Buffer.concat(chunks) });
  }
  return requests;
}
