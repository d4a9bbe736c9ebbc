/** An in-memory SandboxFiles with the agent's semantics (read cap, EOF echo, 404), counting what is read. */
import { Readable } from 'node:stream';
import { SandboxFileMissingError, type FileDownload, type SandboxEntry, type SandboxFiles } from '../../../src/logs/files-client.js';

export class FakeFiles implements SandboxFiles {
  readonly label: string;
  readonly contents = new Map<string, Buffer>();
  readonly directories = new Set<string>();
  bytesRead = 0;
  reads: Array<{ path: string; offset: number; length: number }> = [];
  sizeCalls = 0;
  /** Throws this from every call while set (an agent that is down). */
  failure: Error | undefined;

  constructor(
    label = 'agent-1:5051',
    readonly cap = 64 * 1024,
  ) {
    this.label = label;
  }

  set(path: string, data: string | Buffer): this {
    this.contents.set(path, Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'));
    let dir = path;
    while (dir.lastIndexOf('/') > 0) {
      dir = dir.slice(0, dir.lastIndexOf('/'));
      this.directories.add(dir);
    }
    return this;
  }

  append(path: string, data: string | Buffer): void {
    this.set(path, Buffer.concat([this.contents.get(path) ?? Buffer.alloc(0), Buffer.isBuffer(data) ? data : Buffer.from(data)]));
  }

  async size(path: string): Promise<number> {
    this.sizeCalls++;
    return this.file(path).length;
  }

  async read(path: string, offset: number, length: number): Promise<Buffer> {
    const data = this.file(path);
    const part = data.subarray(offset, offset + Math.min(length, this.cap));
    this.reads.push({ path, offset, length });
    this.bytesRead += part.length;
    return Buffer.from(part);
  }

  async browse(path: string): Promise<SandboxEntry[]> {
    if (this.failure !== undefined) throw this.failure;
    if (!this.directories.has(path)) throw new SandboxFileMissingError(path, this.label);
    const children = new Map<string, SandboxEntry>();
    for (const [file, data] of this.contents) {
      if (!file.startsWith(`${path}/`)) continue;
      const [first, ...rest] = file.slice(path.length + 1).split('/');
      const child = `${path}/${first!}`;
      if (rest.length === 0)
        children.set(child, { path: child, size: data.length, mtime: 1_795_548_218, mode: '-rw-r--r--', directory: false });
      else children.set(child, { path: child, size: 4096, mtime: 1_795_548_218, mode: 'drwxr-xr-x', directory: true });
    }
    return [...children.values()];
  }

  async download(path: string): Promise<FileDownload> {
    const data = this.file(path);
    // Several small chunks, as a socket would deliver them.
    const chunks: Buffer[] = [];
    for (let i = 0; i < data.length; i += 1000) chunks.push(data.subarray(i, i + 1000));
    return { body: Readable.from(chunks), size: data.length, close: () => undefined };
  }

  private file(path: string): Buffer {
    if (this.failure !== undefined) throw this.failure;
    const data = this.contents.get(path);
    if (data === undefined) throw new SandboxFileMissingError(path, this.label);
    return data;
  }
}
