import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ByteCount {
  read: number;
  written: number;
}

/**
 * Counts every byte on the server's sockets (HTTP framing included), open or closed, so a file
 * passing through the API, in either direction, would show up whatever route carried it.
 */
export function countSocketBytes(server: Server): () => ByteCount {
  const live = new Set<Socket>();
  let closedRead = 0;
  let closedWritten = 0;
  server.on('connection', (socket: Socket) => {
    live.add(socket);
    socket.once('close', () => {
      closedRead += socket.bytesRead;
      closedWritten += socket.bytesWritten;
      live.delete(socket);
    });
  });
  return () => {
    let read = closedRead;
    let written = closedWritten;
    for (const socket of live) {
      read += socket.bytesRead;
      written += socket.bytesWritten;
    }
    return { read, written };
  };
}
