/**
 * An address that never answers: a TCP server on loopback that accepts connections and says
 * nothing, so a client waits for its whole timeout. `connected` resolves once the first client is
 * in, i.e. once the CLI is certainly waiting on it (and has installed its signal handling).
 */
import net, { type AddressInfo, type Socket } from 'node:net';

export interface SilentMaster {
  readonly address: string;
  readonly connected: Promise<void>;
  close(): Promise<void>;
}

export async function startSilentMaster(): Promise<SilentMaster> {
  const sockets = new Set<Socket>();
  let onFirst: () => void = () => {};
  const connected = new Promise<void>((resolve) => (onFirst = resolve));
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onFirst();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    connected,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
