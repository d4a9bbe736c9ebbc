/** A raw HTTP/1.1 client for the tests: header order preserved, no connection pooling. */
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  /** Header names in wire order. */
  headerNames: string[];
  headers: Record<string, string>;
  body: Buffer;
}

export function httpRequest(url: string, options: { method?: string; body?: unknown } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const req = request(url, {
      method: options.method ?? 'GET',
      agent: false,
      headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': payload.length },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headerNames: string[] = [];
        const headers: Record<string, string> = {};
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          headerNames.push(res.rawHeaders[i]!);
          headers[res.rawHeaders[i]!.toLowerCase()] = res.rawHeaders[i + 1]!;
        }
        resolve({ status: res.statusCode ?? 0, headerNames, headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await httpRequest(url, { method: 'POST', body });
  const text = response.body.toString('utf8');
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}
