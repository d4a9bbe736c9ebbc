/**
 * `npm run demo` end to end (dist/demo.js, as the npm script runs it): every step succeeds, the
 * crash and relaunch happen, and nothing but plain text reaches a pipe.
 */
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cleanEnv, REPO_ROOT } from '../helpers/cli.js';

describe('the demo', () => {
  it('runs every step, relaunches the killed worker, and writes no escape codes into a pipe', { timeout: 300_000 }, async () => {
    const result = await execa('node', [path.join(REPO_ROOT, 'dist', 'demo.js')], {
      env: cleanEnv(),
      extendEnv: false,
      reject: false,
      timeout: 280_000,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.exitCode, output).toBe(0);
    expect(result.stdout).not.toContain('\u001b');
    for (const step of ['check-ports', 'deploy', 'status worker-2', 'logs worker-2 --previous', 'teardown']) {
      expect(result.stdout).toContain(`$ alluxio-mesos ${step}`);
    }
    expect(result.stdout).toMatch(/^killed \d+ process\(es\) of worker-2 /m);
    expect(result.stdout).toMatch(/^Relaunches: +1$/m);
    expect(result.stdout).toMatch(/^== Done$/m);
    expect(result.stdout).toContain('Next, on a real cluster:');
  });
});
