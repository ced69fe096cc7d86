import type { Socket } from 'node:net';
import { HttpError, type RequestHead } from '#contracts/http';
import type { Handler, ServerOptions, ServerRequest, ServerResponse } from '#contracts/server';
import { RequestParser, reasonPhrase } from '#http';
import { BodyStream } from './body.ts';
import { wantsKeepAlive } from './keep-alive.ts';
import { writeResponse, type ResponseContext } from './respond.ts';

/** One request on its way through the connection: parsed (perhaps partly), then answered. */
interface Exchange {
  head: RequestHead;
  body: BodyStream;
  abort: AbortController;
  /** Set once the response's status line is written: too late for `100 Continue` or a 500. */
  context: ResponseContext | null;
}

/** A request the parser refused: answered with its status, after the requests before it. */
interface Refusal {
  error: HttpError;
}

const encoder = new TextEncoder();

/** How long a client gets to close its side after the server has ended the connection. */
const LINGER_MS = 2000;

/**
 * Serves the requests of one TCP connection, in order. Bytes go into the lab 1 parser; each
 * request it yields joins a queue; the handler sees them one at a time, so pipelined responses go
 * out in the order their requests came in (RFC 9112 §9.3.2).
 */
export class Connection {
  readonly #socket: Socket;
  readonly #handler: Handler;
  readonly #options: ServerOptions;
  readonly #parser: RequestParser;
  readonly #queue: Array<Exchange | Refusal> = [];
  /** The request whose body the parser is reading, if any. */
  #parsing: Exchange | null = null;
  /** The request the handler is working on, if any. */
  #serving: Exchange | null = null;
  #served = 0;
  /** No more requests after the current one: the server is closing, or the request said so. */
  #closing = false;
  /** The client has sent everything it will send (FIN): answer what is queued, then close. */
  #clientEnded = false;
  /** True between the end of a request and the head of the next: the header timeout applies. */
  #awaitingHead = true;
  /** The server has ended its side: what still arrives is read and dropped. */
  #ended = false;
  #headerTimer: NodeJS.Timeout | null = null;
  #idleTimer: NodeJS.Timeout | null = null;

  constructor(socket: Socket, handler: Handler, options: ServerOptions) {
    this.#socket = socket;
    this.#handler = handler;
    this.#options = options;
    this.#parser = new RequestParser(options.limits);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onClientEnd());
    socket.on('close', () => this.#onClose());
    socket.on('error', () => {}); // a reset by the client; 'close' follows and cleans up
    // A client that connects and sends nothing is held to the header timeout too.
    this.#startHeaderTimer();
  }

  /** True while no request is queued or being served: safe to close at once. */
  get idle(): boolean {
    return this.#serving === null && this.#queue.length === 0 && this.#parsing === null;
  }

  /** The server is shutting down: finish the current request, take no more. */
  shutDown(): void {
    this.#closing = true;
    if (this.idle) this.#end();
  }

  #onData(chunk: Buffer): void {
    if (this.#ended) return;
    if (this.#awaitingHead) this.#startHeaderTimer();
    let events;
    try {
      events = this.#parser.feed(chunk);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      // The rest of the stream can't be trusted: stop reading, answer after the earlier requests.
      this.#socket.pause();
      this.#parsing?.body.fail(error);
      this.#queue.push({ error });
      this.#serveNext();
      return;
    }
    for (const event of events) {
      if (event.type === 'head') {
        this.#stopTimers();
        this.#awaitingHead = false;
        const exchange = this.#newExchange(event.head);
        this.#queue.push(exchange);
        this.#parsing = exchange;
      } else if (event.type === 'body') {
        if (this.#parsing && !this.#parsing.body.push(event.data)) this.#socket.pause();
      } else {
        this.#parsing?.body.end();
        this.#parsing = null;
        this.#awaitingHead = true;
      }
    }
    this.#serveNext();
  }

  #newExchange(head: RequestHead): Exchange {
    const exchange: Exchange = {
      head,
      abort: new AbortController(),
      context: null,
      body: new BodyStream({
        onFirstRead: () => this.#sendContinue(exchange),
        onDrain: () => this.#socket.resume(),
      }),
    };
    return exchange;
  }

  /** `Expect: 100-continue`: the client waits for a go-ahead before sending the body. */
  #sendContinue(exchange: Exchange): void {
    const expect = exchange.head.headers.find(([name]) => name === 'expect')?.[1];
    if (expect?.toLowerCase() === '100-continue' && exchange.head.version === 'HTTP/1.1' && !exchange.context) {
      this.#socket.write(encoder.encode('HTTP/1.1 100 Continue\r\n\r\n'));
    }
  }

  /** Starts the next queued request, unless one is being served. */
  #serveNext(): void {
    if (this.#serving || this.#queue.length === 0) return;
    const next = this.#queue.shift()!;
    if ('error' in next) {
      void this.#refuse(next.error);
      return;
    }
    this.#serving = next;
    void this.#serve(next);
  }

  async #serve(exchange: Exchange): Promise<void> {
    const { head } = exchange;
    this.#served += 1;
    const context: ResponseContext = {
      method: head.method,
      version: head.version,
      keepAlive:
        !this.#closing &&
        !(this.#clientEnded && this.#queue.length === 0) &&
        wantsKeepAlive(head) &&
        this.#served < this.#options.maxRequestsPerConnection,
      serverName: this.#options.serverName,
      headSent: false,
    };
    let keepAlive = false;
    try {
      const response = await this.#callHandler(exchange);
      exchange.context = context;
      // A body the handler left unread may still be arriving; closing is simpler than draining it.
      // close() may have been called while the handler ran: then this response is the last.
      if (!exchange.body.ended || this.#closing) context.keepAlive = false;
      keepAlive = await writeResponse(this.#socket, response, context);
    } catch (error) {
      if (context.headSent || this.#socket.destroyed) {
        // Part of the response is out: the only honest thing left is to cut the connection.
        this.#abort();
        return;
      }
      context.keepAlive = false;
      exchange.context = context;
      // Reading the body throws the parser's HttpError (413 for a chunked body over the limit):
      // that is the client's fault, and its status says so. Anything else is the server's: 500.
      const status = error instanceof HttpError ? error.status : 500;
      await writeResponse(this.#socket, errorResponse(status), context).catch(() => {});
      if (status === 500) this.#options.onError(error);
    } finally {
      this.#serving = null;
    }
    if (!keepAlive || this.#closing) {
      this.#end();
      return;
    }
    if (this.#queue.length > 0) this.#serveNext();
    else if (this.#clientEnded) this.#end();
    else if (this.#awaitingHead && this.#headerTimer === null) this.#startIdleTimer();
  }

  async #callHandler(exchange: Exchange): Promise<ServerResponse> {
    const socket = this.#socket;
    const request: ServerRequest = {
      ...exchange.head,
      body: exchange.body,
      signal: exchange.abort.signal,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      localAddress: socket.localAddress ?? '',
      localPort: socket.localPort ?? 0,
    };
    return await this.#handler(request);
  }

  async #refuse(error: HttpError): Promise<void> {
    this.#closing = true;
    const context: ResponseContext = {
      method: 'GET',
      version: 'HTTP/1.1',
      keepAlive: false,
      serverName: this.#options.serverName,
      headSent: false,
    };
    await writeResponse(this.#socket, errorResponse(error.status), context).catch(() => {});
    this.#end();
  }

  #onClientEnd(): void {
    this.#clientEnded = true;
    this.#stopTimers();
    if (this.#parsing) this.#parsing.body.fail(new Error('the client closed the connection mid-body'));
    if (this.idle) this.#end();
  }

  /**
   * Ends our side of the connection: a FIN after everything written, then wait for the client's
   * (RFC 9112 §9.6 closes in stages). A paused socket would never see the client's FIN, so read on
   * and drop what comes; a client that has not closed its side LINGER_MS later is cut off.
   */
  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stopTimers();
    this.#socket.end(() => {
      // No request will come any more: the idle timer's slot is free for the linger.
      if (!this.#socket.destroyed) this.#idleTimer = setTimeout(() => this.#socket.destroy(), LINGER_MS);
    });
    this.#socket.resume();
  }

  /**
   * Cuts a connection whose response failed half-way. What was already written still goes out
   * (destroy() at once would drop what is queued), then the connection is destroyed: the client
   * gets a response whose framing never completes, and knows it is broken.
   */
  #abort(): void {
    if (this.#socket.destroyed) return;
    this.#ended = true;
    this.#stopTimers();
    const cut = () => this.#socket.destroy();
    setTimeout(cut, LINGER_MS).unref(); // a client that doesn't read would hold the queue forever
    this.#socket.write(new Uint8Array(0), cut); // the callback runs once everything before it is out
  }

  #onClose(): void {
    this.#stopTimers();
    const gone = new Error('the client disconnected');
    for (const exchange of [this.#serving, ...this.#queue]) {
      if (exchange && !('error' in exchange)) {
        exchange.abort.abort(gone);
        exchange.body.fail(gone);
      }
    }
  }

  #startHeaderTimer(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    if (this.#headerTimer) return; // timed from the first byte, not the latest
    this.#headerTimer = setTimeout(() => this.#onHeaderTimeout(), this.#options.headerTimeoutMs);
  }

  #startIdleTimer(): void {
    this.#idleTimer = setTimeout(() => this.#end(), this.#options.keepAliveTimeoutMs);
  }

  #stopTimers(): void {
    if (this.#headerTimer) clearTimeout(this.#headerTimer);
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#headerTimer = null;
    this.#idleTimer = null;
  }

  #onHeaderTimeout(): void {
    this.#headerTimer = null;
    this.#socket.pause();
    if (this.#serving) {
      this.#closing = true; // the request after this one was too slow: close after this one
      return;
    }
    this.#queue.push({ error: new HttpError(408, 'the request head took too long to arrive') });
    this.#serveNext();
  }
}

function errorResponse(status: number): ServerResponse {
  return {
    status,
    headers: [['Content-Type', 'text/plain; charset=utf-8']],
    body: encoder.encode(`${status} ${reasonPhrase(status)}\n`),
  };
}
