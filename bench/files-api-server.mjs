// The local cluster agent's real files API over one sandbox directory, for the log benches: run in a
// child process (`--serve DIR`) so that the server's work is not timed with the client's.
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the sandbox appears in the files API, as an agent lists a task's latest run. */
export const VIRTUAL = '/frameworks/bench-fw/executors/worker-1/runs/latest';

/** Serves `dir` with the compiled files API from `distDir`; prints the port on stdout. */
export async function serve(distDir, dir) {
  const load = (module) => import(pathToFileURL(path.join(distDir, module)).href);
  const { FilesApi, FilesRegistry } = await load('emulator/agent/files-api.js');
  const { notFound, sendReply } = await load('emulator/agent/http-replies.js');
  const registry = new FilesRegistry();
  await registry.attach(dir, VIRTUAL);
  const api = new FilesApi(registry);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://agent');
    api.handle(url.pathname, url.searchParams).then(
      (reply) => sendReply(res, reply ?? notFound()),
      () => res.destroy(),
    );
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
  process.on('SIGTERM', () => process.exit(0));
}

/** `--name N` from the command line, else `fallback`. */
export function numberArg(name, fallback) {
  const index = process.argv.indexOf(name);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}
