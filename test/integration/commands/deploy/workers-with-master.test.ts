/**
 * `deploy --workers-with-master` end to end: the workers go out in the master's offer round, before
 * the master is ready, and still join it, because the stand-in's workers (like Alluxio's) retry
 * registering until their master answers. Needs `npm run build` first.
 */
import { afterEach, expect, it } from 'vitest';
import http from 'node:http';
import { cleanup, initConf, startDeploy, startSandbox, waitHealthy, waitUntil, type DeployRun, type Sandbox } from './helpers.js';

let sandbox: Sandbox | undefined;
let runs: DeployRun[] = [];

afterEach(async () => {
  const stray = await cleanup(sandbox, runs, { teardown: true });
  sandbox = undefined;
  runs = [];
  expect(stray.map((p) => `${p.pid} ${p.role}`)).toEqual([]);
});

/** The stand-in master's own view (`/api/v1/master/info` on its web port): its registered workers. */
function registeredWorkers(host: string, port: number): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    http
      .get({ host, port, path: '/api/v1/master/info' }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          const info = JSON.parse(body) as { workers: Array<{ hostname: string }> };
          resolve(info.workers.map((worker) => worker.hostname).sort());
        });
      })
      .on('error', () => resolve(undefined));
  });
}

it(
  "launches workers in the master's offer round, before it is ready, and every worker registers with it",
  { timeout: 60_000 },
  async () => {
    sandbox = await startSandbox({ agents: 3 });
    await initConf(sandbox);
    const run = startDeploy(sandbox, ['--workers-with-master']);
    runs.push(run);
    const states = await waitHealthy(run, 4);
    expect([...states.keys()].sort()).toEqual(['master-1', 'worker-1', 'worker-2', 'worker-3']);

    // The master's offer round launches the master and a worker on each other agent; the worker on the
    // master's own agent needs that agent's next offer (an offer is taken whole).
    const beforeReady = run.events.slice(
      0,
      run.events.findIndex((event) => event.type === 'master-ready'),
    );
    const launchedEarly = beforeReady.filter((event) => event.type === 'task-launched');
    expect(launchedEarly.map((event) => event.role).sort()).toEqual(['master', 'worker', 'worker']);
    const master = run.of('task-launched', (event) => event.alias === 'master-1')[0];
    const masterHost = master?.hostname as string;
    for (const worker of run.of('task-launched', (event) => event.role === 'worker')) {
      expect(worker.relaunch).toBe(false);
    }
    // Every worker started before its master could answer, and joined it anyway.
    const workers = await waitUntil('3 workers registered with the master', async () => {
      const names = await registeredWorkers(masterHost, sandbox!.ports.masterWeb);
      return names !== undefined && names.length === 3 ? names : undefined;
    });
    expect(workers).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    expect(run.of('relaunch-scheduled')).toEqual([]);
  },
);
