/**
 * The agent's sandbox file API: `/files/browse`, `/files/read`, `/files/download`, `/files/debug`,
 * with Mesos 1.12's semantics and texts.
 *
 * Only attached paths are served: each executor's sandbox (under its real path, the real `runs/latest`
 * path and the virtual `/frameworks/<fw>/executors/<exec>/runs/latest`) and the agent log
 * (`/slave/log`). Every request is resolved with realpath and must stay inside the attached root, so
 * `..`, percent-encoded `..` and symlinks pointing out of a sandbox all end in an empty 404.
 * (Real Mesos answers 400 "... is inaccessible" for an escape; an empty 404 reveals nothing.)
 */
import { open, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Stats } from 'node:fs';
import { badRequest, fileDownload, notFound, okJson, type Reply } from './http-replies.js';
import {
  downloadContentType,
  findAttached,
  formatMode,
  fromUri,
  isWithin,
  normalizeVirtualPath,
  parseReadQuery,
  readWindow,
} from './files-query.js';
import { JsonBytes, double, toMesosJson, type JsonValue } from '../mesos-json.js';

/** Virtual path -> canonical real path, like Mesos' FilesProcess. */
export class FilesRegistry {
  private readonly paths = new Map<string, string>();

  /** Attaches an existing file or directory under a virtual name (replacing any previous one). */
  async attach(realPath: string, virtualPath: string): Promise<void> {
    const canonical = await realpath(realPath);
    this.paths.set(normalizeVirtualPath(virtualPath), canonical);
  }

  detach(virtualPath: string): void {
    this.paths.delete(normalizeVirtualPath(virtualPath));
  }

  /** The `/files/debug` map, sorted by virtual path as Mesos prints it. */
  entries(): Array<[string, string]> {
    return [...this.paths.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * The canonical real path for a requested path, or undefined when it is not attached, does not
   * exist, or escapes its attached root.
   */
  async resolve(requested: string): Promise<string | undefined> {
    const match = findAttached(this.paths, requested);
    if (match === undefined) return undefined;
    const root = this.paths.get(match.virtualPath)!;
    let rootStats: Stats;
    try {
      rootStats = await stat(root);
    } catch {
      return undefined;
    }
    if (!rootStats.isDirectory()) return match.suffix.length === 0 ? root : undefined;
    let resolved: string;
    try {
      resolved = await realpath(join(root, ...match.suffix));
    } catch {
      return undefined;
    }
    return isWithin(root, resolved) ? resolved : undefined;
  }
}

/** uid/gid -> name from /etc/passwd and /etc/group (Mesos prints names; falls back to the number). */
class IdNames {
  private users: Map<number, string> | undefined;
  private groups: Map<number, string> | undefined;

  async user(uid: number): Promise<string> {
    this.users ??= await IdNames.load('/etc/passwd');
    return this.users.get(uid) ?? String(uid);
  }

  async group(gid: number): Promise<string> {
    this.groups ??= await IdNames.load('/etc/group');
    return this.groups.get(gid) ?? String(gid);
  }

  private static async load(file: string): Promise<Map<number, string>> {
    const names = new Map<number, string>();
    try {
      for (const line of (await readFile(file, 'utf8')).split('\n')) {
        const [name, , id] = line.split(':');
        if (name !== undefined && id !== undefined && /^\d+$/.test(id) && !names.has(Number(id))) {
          names.set(Number(id), name);
        }
      }
    } catch {
      // No such file (unusual container): numbers it is.
    }
    return names;
  }
}

export class FilesApi {
  private readonly ids = new IdNames();

  constructor(private readonly registry: FilesRegistry) {}

  /** Routes `/files/<endpoint>`; undefined when the path is not a files endpoint. */
  async handle(endpoint: string, query: URLSearchParams): Promise<Reply | undefined> {
    switch (endpoint) {
      case '/files/browse':
        return this.browse(query);
      case '/files/read':
        return this.read(query);
      case '/files/download':
        return this.download(query);
      case '/files/debug':
        return this.debug(query);
      default:
        return undefined;
    }
  }

  private async browse(query: URLSearchParams): Promise<Reply> {
    const path = query.get('path');
    if (path === null || path === '') return badRequest("Expecting 'path=value' in query.");
    const resolved = await this.registry.resolve(path);
    if (resolved === undefined) return notFound();

    const requestedBase = normalizeVirtualPath(fromUri(path));
    const listing: Array<{ key: string; info: JsonValue }> = [];
    let names: string[] = [];
    try {
      names = await readdir(resolved);
    } catch {
      // Browsing a file lists nothing, as in Mesos.
    }
    for (const name of names) {
      const full = join(resolved, name);
      let stats: Stats;
      try {
        stats = await stat(full);
      } catch {
        continue;
      }
      listing.push({ key: full, info: await this.fileInfo(`${requestedBase === '/' ? '' : requestedBase}/${name}`, stats) });
    }
    listing.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return okJson(toMesosJson(listing.map((entry) => entry.info)), query.get('jsonp') ?? undefined);
  }

  private async fileInfo(path: string, stats: Stats): Promise<JsonValue> {
    return {
      gid: await this.ids.group(stats.gid),
      mode: formatMode(stats.mode),
      mtime: double(Math.floor(stats.mtimeMs / 1000)),
      nlink: stats.nlink,
      path,
      size: stats.size,
      uid: await this.ids.user(stats.uid),
    };
  }

  private async read(query: URLSearchParams): Promise<Reply> {
    const parsed = parseReadQuery(query);
    if (!parsed.ok) return badRequest(parsed.message);
    const request = parsed.value;

    const resolved = await this.registry.resolve(request.path);
    if (resolved === undefined) return notFound();

    let handle;
    try {
      if ((await stat(resolved)).isDirectory()) return badRequest('Cannot read a directory.');
      handle = await open(resolved, 'r');
    } catch {
      return notFound();
    }
    try {
      const size = (await handle.stat()).size;
      const window = readWindow(request.offset, request.length, size);
      const data = Buffer.alloc(window.count);
      let filled = 0;
      while (filled < window.count) {
        const { bytesRead } = await handle.read(data, filled, window.count - filled, window.start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      const body = toMesosJson({ data: new JsonBytes(data.subarray(0, filled)), offset: window.replyOffset });
      return okJson(body, request.jsonp);
    } finally {
      await handle.close();
    }
  }

  private async download(query: URLSearchParams): Promise<Reply> {
    const path = query.get('path');
    if (path === null || path === '') return badRequest("Expecting 'path=value' in query.");
    const resolved = await this.registry.resolve(path);
    if (resolved === undefined) return notFound();
    let stats: Stats;
    try {
      stats = await stat(resolved);
    } catch {
      return notFound();
    }
    if (stats.isDirectory()) return badRequest('Cannot download a directory.');
    const name = basename(resolved);
    return fileDownload(resolved, stats.size, name, downloadContentType(name));
  }

  private debug(query: URLSearchParams): Reply {
    const map: { [key: string]: JsonValue } = {};
    for (const [virtualPath, realPath] of this.registry.entries()) map[virtualPath] = realPath;
    return okJson(toMesosJson(map), query.get('jsonp') ?? undefined);
  }
}
