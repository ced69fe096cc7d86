// The web server contract, shared by lab 2 (which implements it), lab 3 (whose gateway runs apps
// on it), the reference solutions and the hidden tests. Read it; don't edit it.
import type { HeaderField, ParserLimits, RequestHead } from './http.ts';

/** A request as the server hands it to a handler: the parsed head plus what only a server knows. */
export interface ServerRequest extends RequestHead {
  /**
   * The body, streamed as it arrives: iterate it to read it. It is empty for a request without a
   * body. The first read answers `Expect: 100-continue` with `100 Continue`.
   * A handler that does not read it is fine: the server never reads what is left as a request
   * (it closes the connection after the response if the body had not all arrived). Reading throws
   * an HttpError when the body goes over the parser's limit (413) or stops arriving (408).
   */
  body: AsyncIterable<Uint8Array>;
  /**
   * Aborted when the client goes away before the response is complete: it disconnects, or it
   * closes its side before the request's body is complete. No response is sent then.
   */
  signal: AbortSignal;
  /** The client's address and port, and the address and port it connected to. */
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
}

/**
 * What a handler returns. The server writes the status line and headers, adds `Date` and `Server`
 * if they are missing, and frames the body:
 * - no body, or a `Uint8Array`: sent with `Content-Length`;
 * - an iterable or async iterable of chunks: sent with the handler's `Content-Length` if it gave
 *   one, otherwise chunked (or, to an HTTP/1.0 client, until the connection closes).
 * The server always finishes an iterable body: it reads it to the end, or, if the client goes
 * away or the request was HEAD, it calls the iterator's `return()` (which runs `finally` blocks).
 * If reading the body throws after the head was sent, the server aborts the connection: the
 * client must not mistake a cut-off body for a whole one.
 */
export interface ServerResponse {
  status: number;
  reason?: string;
  headers: HeaderField[];
  body?: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
}

/**
 * Turns a request into a response. Throwing (or rejecting) gets a 500 from the server, except an
 * HttpError (such as the 413 that reading an oversized body throws), which gets its own status.
 */
export type Handler = (request: ServerRequest) => ServerResponse | Promise<ServerResponse>;

export interface ServerOptions {
  /** Longest wait, in ms, for a whole request head, counted from its first byte or from the moment
   *  the connection opened. Stops a client that trickles its headers (slowloris). */
  headerTimeoutMs: number;
  /** Longest wait, in ms, for the next request on an idle keep-alive connection. */
  keepAliveTimeoutMs: number;
  /** Longest wait, in ms, for the next bytes of a request body the server is reading. A body that
   *  stalls gets 408. The clock restarts with every arrival (nginx's client_body_timeout). */
  bodyTimeoutMs: number;
  /** Most connections served at once. One more gets 503 Service Unavailable and is closed. */
  maxConnections: number;
  /** Requests served on one connection before the server closes it. */
  maxRequestsPerConnection: number;
  /** The parser's limits (lab 1). */
  limits: Partial<ParserLimits>;
  /** The value of the `Server` header. */
  serverName: string;
  /**
   * Called with what the application threw: the handler (the client got a 500), or its body after
   * the head was sent (the connection was cut). Servers log it; tests may listen.
   */
  onError: (error: unknown) => void;
  /**
   * One line about something that is nobody's bug and needs no stack trace: a client that went away
   * before its response was complete, a connection the operating system could not accept.
   */
  log: (line: string) => void;
  /**
   * Serve HTTPS: every connection speaks TLS with this private key and certificate before HTTP.
   * Left out (the default), the server speaks plain HTTP over TCP. (The extension "HTTPS".)
   */
  tls?: TlsCredentials;
}

/**
 * A server's private key and its certificate, PEM (text that starts `-----BEGIN`): as strings, or
 * as the Buffers `readFileSync('key.pem')` returns.
 */
export interface TlsCredentials {
  key: string | Buffer;
  cert: string | Buffer;
}

export const DEFAULT_SERVER_OPTIONS: Readonly<ServerOptions> = {
  headerTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  bodyTimeoutMs: 30_000,
  maxConnections: 1000,
  maxRequestsPerConnection: 1000,
  limits: {},
  serverName: 'build-the-web-stack',
  onError: (error) => console.error('handler failed:', error),
  log: (line) => console.warn(line),
};

/** The address a server is bound to. */
export interface BoundAddress {
  address: string;
  port: number;
}

export interface Server {
  /** Starts listening; port 0 picks a free port. Resolves with the bound address. */
  listen(port: number, host?: string): Promise<BoundAddress>;
  /** The bound address, or null before listen() resolved and after close(). */
  address(): BoundAddress | null;
  /**
   * Stops accepting connections, closes idle ones at once, lets requests in flight finish (their
   * responses carry `Connection: close`), and resolves when every connection is closed.
   */
  close(): Promise<void>;
}
