import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { printTails, SectionsUnreadableError, type OpenedSandbox } from '../../../src/logs/engine.js';
import type { AgentFilesClient } from '../../../src/logs/files-client.js';
import { TextLogWriter } from '../../../src/logs/render.js';
import type { SandboxLocation } from '../../../src/logs/sandbox.js';
import type { TaskCandidate } from '../../../src/logs/task-match.js';
import { OperationError } from '../../../src/shared/errors.js';
import { FakeFiles } from './fake-files.js';

const SANDBOX = '/frameworks/F/executors/alluxio-worker-1.u/runs/latest';

function sandboxOf(files: FakeFiles): OpenedSandbox {
  return {
    task: { taskId: 'alluxio-worker-1.u', alias: 'worker-1' } as TaskCandidate,
    label: 'worker-1',
    files: files as unknown as AgentFilesClient,
    location: { path: SANDBOX, virtual: true } as SandboxLocation,
  };
}

function output(): { writer: TextLogWriter; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { writer: new TextLogWriter(stream, true), text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Lists the sandbox as it is, but reads every file through another (empty) run: the listing and the reads disagree. */
class ReadsAnotherRun extends FakeFiles {
  override async size(): Promise<number> {
    return 0;
  }

  override async read(): Promise<Buffer> {
    return Buffer.alloc(0);
  }
}

describe('printTails', () => {
  it('never prints an empty section for a file the sandbox listing shows with bytes', async () => {
    const files = new ReadsAnotherRun().set(`${SANDBOX}/stdout`, 'out\n').set(`${SANDBOX}/stderr`, '');
    const out = output();
    const printing = printTails([sandboxOf(files)], {}, { lines: 20, writer: out.writer });
    await expect(printing).rejects.toThrow(OperationError);
    await expect(printing).rejects.toThrow(/listed worker-1:stdout with 4 bytes but reads it as empty/);
    // The really empty stderr is shown empty; stdout is not shown as if it were.
    expect(out.text()).toBe('==> worker-1:stderr <==\n');
  });

  it('prints every readable file and then fails for those it could not read', async () => {
    const files = new FakeFiles()
      .set(`${SANDBOX}/stdout`, 'out\n')
      .set(`${SANDBOX}/stderr`, 'err\n')
      .set(`${SANDBOX}/logs/worker.log`, 'INFO started\n');
    const unreadable = new Set([`${SANDBOX}/stdout`, `${SANDBOX}/stderr`]);
    const read = files.read.bind(files);
    files.read = async (path, offset, length) => {
      if (unreadable.has(path)) throw new OperationError(`agent answered 500 for ${path}`);
      return read(path, offset, length);
    };
    const out = output();
    const printing = printTails([sandboxOf(files)], {}, { lines: 20, writer: out.writer });
    await expect(printing).rejects.toThrow(SectionsUnreadableError);
    await expect(printing).rejects.toThrow(/^2 files could not be read: worker-1:stdout \(agent answered 500/);
    expect(out.text()).toBe('==> worker-1:logs/worker.log <==\nINFO started\n');
  });
});
