/**
 * Makes a server socket's writes of one turn of the event loop leave in one write system call.
 *
 * Why: on a busy local cluster most messages are small (a `202 Accepted`, one RecordIO event) and a
 * write costs a system call that also wakes the reading process; a burst of status updates cost one
 * each. Corking a response is not enough: node's http server fully uncorks the socket on every
 * `end()`, and it writes the answer to a pipelined request only once the previous answer's write has
 * completed, so N pipelined calls got N writes. Here the socket takes each chunk at once (which lets
 * the server go on to the next answer) and writes everything taken in this turn together in
 * `setImmediate`. Bytes and their order are unchanged; only the TCP segmentation differs.
 *
 * Backpressure stays: while a real write is still pending in the kernel (the peer does not read),
 * chunks are taken but not acknowledged, so `writableLength` grows as it would without this.
 */
import type { Socket } from 'node:net';

type Chunk = { chunk: unknown; encoding: BufferEncoding };
type Done = (error?: Error | null) => void;

export function coalesceWritesPerTurn(socket: Socket): void {
  const writev = socket._writev!.bind(socket);
  const final = socket._final.bind(socket);
  const destroy = socket._destroy.bind(socket);
  let taken: Chunk[] = [];
  /** Callbacks of chunks taken while a real write was pending: called when the next one completes. */
  let unacknowledged: Done[] = [];
  let pending = false;
  let scheduled = false;
  let afterPending: (() => void) | undefined;

  const flush = (): void => {
    scheduled = false;
    if (pending || taken.length === 0 || socket.destroyed) return;
    const batch = taken;
    const callbacks = unacknowledged;
    taken = [];
    unacknowledged = [];
    pending = true;
    writev(batch, (error) => {
      pending = false;
      for (const done of callbacks) done(error);
      if (error) {
        if (callbacks.length === 0) socket.destroy(error);
        return;
      }
      if (taken.length > 0) flush();
      else afterPending?.();
    });
  };

  const take = (chunks: Chunk[], done: Done): void => {
    taken.push(...chunks);
    if (pending) unacknowledged.push(done);
    else done();
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };

  socket._write = (chunk: unknown, encoding: BufferEncoding, done: Done) => take([{ chunk, encoding }], done);
  socket._writev = (chunks: Chunk[], done: Done) => take(chunks, done);
  // Ending (a `Connection: close` answer, a closed stream) sends what was taken first.
  socket._final = (done: Done) => {
    afterPending = () => {
      afterPending = undefined;
      final(done);
    };
    flush();
    if (!pending) afterPending?.();
  };
  // Destroyed in the turn that wrote: those bytes still go out, as they did when every write
  // reached the kernel at once (an answer followed by a hang-up, a test's crash of a peer).
  socket._destroy = (error: Error | null, done: (error?: Error | null) => void) => {
    if (!pending && taken.length > 0) {
      const batch = taken;
      taken = [];
      writev(batch, () => undefined);
    }
    destroy(error, done);
  };
}
