/** `version` and `--version --json`, in-process. */
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/main.js';
import { noTermination } from '../../../src/context/termination.js';
import { VERSION } from '../../../src/shared/version.js';
import { testIo } from '../../helpers/test-io.js';

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const io = testIo();
  const code = await main(argv, io, noTermination());
  return { code, out: io.stdoutText() };
}

describe('version', () => {
  it('--version alone prints the bare version', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, out: `${VERSION}\n` });
  });

  it.each([[['--version', '--json']], [['--json', '--version']], [['version', '--json']]])('%j reports as JSON', async (argv) => {
    const { code, out } = await run(argv);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      version: VERSION,
      node: process.versions.node,
      platform: process.platform,
      arch: process.arch,
      mesos: {
        checkPorts: { minimum: '0.23.0' },
        deploy: {
          minimum: '0.23.0',
          transports: ['v1 HTTP scheduler API from 0.28.0', 'legacy libprocess scheduler protocol from 0.23.0'],
        },
      },
    });
  });

  it('version prints it for people', async () => {
    const { code, out } = await run(['version']);
    expect(code).toBe(0);
    expect(out).toContain(`alluxio-mesos ${VERSION} (Node ${process.versions.node}`);
    expect(out).toContain('check-ports: Mesos 0.23.0 or later');
  });
});
