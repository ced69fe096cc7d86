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
  const listener = createListener(settings, (socket) => {
    const connection = new Connection(socket, handler, settings);
    // One connection too many: it gets a 503 and closes by itself, without counting.
    if (connections.size >= settings.maxConnections) {
      connection.turnAway();
      return;
    }
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
  });

  return {
    listen(port: number, host = '127.0.0.1'): Promise<BoundAddress> {
      return new Promise((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(port, host, () => {
          listener.off('error', reject);
          // From now on an 'error' is a connection the system could not accept (too many open
          // files, say): an 'error' nobody listens to would end the process.
          listener.on('error', (error) => settings.log(`could not accept a connection: ${error.message}`));
          const info = listener.address() as net.AddressInfo;
          bound = { address: info.address, port: info.port };
          resolve(bound);
        });
      });
    },

    address(): BoundAddress | null {
      return bound;
    },

    close(): Promise<void> {
      bound = null;
      return new Promise((resolve) => {
        // net.Server.close stops accepting now and calls back once every socket has closed.
        listener.close(() => resolve());
        for (const connection of connections) connection.shutDown();
      });
    },
  };
}

/** The listening socket: plain TCP, or TLS when the settings give a key and a certificate. */
function createListener(settings: ServerOptions, accept: (socket: net.Socket) => void): net.Server {
  // allowHalfOpen: a client may send its request and close its side; it still gets the answer.
  // noDelay: send each write at once. Without it, a response written in two parts (head, then
  // body) waits up to 40 ms for the client's delayed ACK (Nagle's algorithm); node:http does the same.
  const socketOptions = { allowHalfOpen: true, noDelay: true };
  if (!settings.tls) return net.createServer(socketOptions, accept);
  // With TLS, `accept` gets each connection once its handshake is done: a TLSSocket, which reads
  // and writes plain bytes like any socket, so the Connection never knows the difference. The
  // handshake comes before the request head, so it gets the header timeout (W3).
  const listener = tls.createServer({ ...settings.tls, ...socketOptions, handshakeTimeout: settings.headerTimeoutMs }, accept);
  // A handshake that fails or runs out of time is reported here, and Node leaves that connection
  // open: close it, or a client that never says hello holds it for good.
  listener.on('tlsClientError', (error, socket) => {
    settings.log(`a TLS handshake failed: ${error.message}`);
    socket.destroy();
  });
  return listener;
}
