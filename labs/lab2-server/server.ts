import net from 'node:net';
import tls from 'node:tls';
import {
  DEFAULT_SERVER_OPTIONS,
  type BoundAddress,
  type Handler,
  type Server,
  type ServerOptions,
} from '#contracts/server';
import { Connection } from './connection.ts';

/**
 * A web server on plain TCP sockets (or TLS ones, with `options.tls`): it accepts connections,
 * speaks HTTP/1.1 on each with the lab 1 parser and serializer, and hands every request to
 * `handler`. It knows nothing about the application: that is the whole point of the layer.
 */
export function createServer(handler: Handler, options: Partial<ServerOptions> = {}): Server {
  const settings: ServerOptions = { ...DEFAULT_SERVER_OPTIONS, ...options };
  const connections = new Set<Connection>();
  let bound: BoundAddress | null = null;
  // TODO(lab2): create the listening socket here with net.createServer({ allowHalfOpen: true, noDelay: true }, ...)
  // (noDelay: see "Sending small responses fast" in lesson 2).
  // For every socket it accepts, make a Connection (with handler and settings), add it to
  // `connections`, and delete it again when the socket closes.
  // Milestone 6: when `connections` already holds maxConnections, call the new connection's
  // turnAway() instead of adding it.
  // Extension "HTTPS" (optional): when settings.tls is given, create the listener with
  // tls.createServer instead, with the key and certificate, the same socket options and a
  // handshakeTimeout, and close the socket of a failed handshake (see "HTTPS" in lesson 2). The
  // sockets it hands you are served the same way. A small function of its own keeps this tidy.

  return {
    listen(port: number, host = '127.0.0.1'): Promise<BoundAddress> {
      // TODO(lab2): call the listener's listen(port, host, callback). In the callback, read the
      // bound address and port from its address(), keep them in `bound`, and resolve with them.
      // Reject if the listener emits 'error' first (the port is taken, say). Once listening, pass
      // the listener's later 'error' events (a connection the system could not accept) to
      // settings.log: an 'error' nobody listens to would end the process.
      throw new Error('TODO(lab2): listen is not written yet (lessons/02-server.md#sockets-and-the-event-loop)');
    },

    address(): BoundAddress | null {
      return bound;
    },

    close(): Promise<void> {
      // TODO(lab2): forget the address (address() is null from now on), close the listener (its
      // callback runs once every socket has closed: resolve then), and shut every connection down.
      // Milestone 1 needs only the listener; shutDown() comes with milestone 7.
      throw new Error('TODO(lab2): close is not written yet (lessons/02-server.md#graceful-shutdown)');
    },
  };
}
