/** Types for the pipelined HTTP/1.1 client in pipelined-http.mjs (used by its unit test). */
export interface Answer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
}
export class PipelinedConnection {
  constructor(endpoint: string);
  request(method: string, path: string, headers: Record<string, string | undefined>, body?: Buffer): Promise<Answer>;
  close(): void;
}
