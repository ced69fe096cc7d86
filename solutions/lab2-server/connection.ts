import type { Socket } from 'node:net';
import { HttpError, ParseError, type HeaderField, type HttpVersion, type ParseEvent, type RequestHead } from '#contracts/http';
import type { Handler, ServerOptions, ServerRequest, ServerResponse } from '#contracts/server';
import { RequestParser, reasonPhrase } from '#http';
import { BodyStream } from './body.ts';
import { wantsKeepAlive } from './keep-alive.ts';
import { dropBody, writeResponse, type ResponseContext } from './respond.ts';

/** One request on its way through the connection: parsed (perhaps partly), then answered. */
interface Exchange {
  head: RequestHead;
  body: BodyStream;
  /**
   * Made on the handler's first read of `request.signal` (see #callHandler): most handlers never
   * read it, and making an AbortController and its signal costs Node 20 a microsecond or two (its
   * EventTarget machinery), on every request.
   */
  abort: AbortController | null;
  /** Why the request was abandoned (the client went away), or null while it was not. */
  gone: Error | null;
  /** Set once the response's status line is written: too late for `100 Continue` or a 500. */
  context: ResponseContext | null;
  /** `Expect: 100-continue` from an HTTP/1.1 client: it sends the body only once it is asked. */
  awaitingContinue: boolean;
}

/** A request the server refuses (the parser's, a timeout, too many connections): answered in turn. */
interface Refusal {
  error: HttpError;
}

const encoder = new TextEncoder();

/** How long a client gets to close its side after the server has ended the connection. */
const LINGER_MS = 2000;

/** How many requests may wait in a connection's queue before the server stops reading it. */
const MAX_QUEUED = 16;

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
  /** A refusal is queued: nothing after it on the connection is read. */
  #refused = false;
  /** The server has ended its side: what still arrives is read and dropped. */
  #ended = false;
  /** Whether the socket is being read (#flow decides). */
  #reading = true;
  /** The one clock a connection runs at a time, and what it times. */
  #timer: NodeJS.Timeout | null = null;
  #timing: 'head' | 'body' | 'idle' | 'linger' | null = null;

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

  /** The server has too many connections: answer 503 without reading a request, then close. */
  turnAway(): void {
    this.#refuse(new HttpError(503, 'the server has too many connections'));
  }

  #onData(chunk: Buffer): void {
    if (this.#ended || this.#refused) return;
    let events: ParseEvent[];
    let refusal: HttpError | null = null;
    try {
      events = this.#parser.feed(chunk);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      // The requests completed before the bad one are answered first, in order.
      events = error.events;
      refusal = error;
    }
    for (const event of events) this.#onEvent(event);
    if (refusal) {
      this.#parsing?.body.fail(refusal);
      this.#parsing = null;
      this.#refuse(refusal);
      return;
    }
    // The header timeout runs from the first byte of a head (#startHeaderTimer keeps an earlier
    // start; it also ends the idle wait). It is started after parsing, and only if the bytes held no
    // head: usually a chunk holds a whole head, and a timer started before parsing was stopped again
    // at once, one setTimeout and clearTimeout for nothing on every request.
    if (this.#awaitingHead && events.length === 0) this.#startHeaderTimer();
    // A body in progress is timed from its latest bytes, unless the client waits for 100 Continue.
    if (this.#parsing && !this.#parsing.awaitingContinue) this.#startBodyTimer();
    this.#flow();
    this.#serveNext();
  }

  #onEvent(event: ParseEvent): void {
    if (event.type === 'head') {
      this.#stopTimers();
      this.#awaitingHead = false;
      const exchange = this.#newExchange(event.head);
      this.#queue.push(exchange);
      this.#parsing = exchange;
    } else if (event.type === 'body' && this.#parsing) {
      this.#parsing.awaitingContinue = false; // it sent the body without waiting
      this.#parsing.body.push(event.data);
    } else if (event.type === 'end') {
      this.#stopTimers();
      this.#parsing?.body.end();
      this.#parsing = null;
      this.#awaitingHead = true;
    }
  }

  #newExchange(head: RequestHead): Exchange {
    const expect = head.headers.find(([name]) => name === 'expect')?.[1];
    const exchange: Exchange = {
      head,
      abort: null,
      gone: null,
      context: null,
      awaitingContinue: expect?.toLowerCase() === '100-continue' && head.version === 'HTTP/1.1',
      body: new BodyStream({
        onFirstRead: () => this.#sendContinue(exchange),
        onDrain: () => this.#flow(),
      }),
    };
    return exchange;
  }

  /** `Expect: 100-continue`: the client waits for a go-ahead before sending the body. */
  #sendContinue(exchange: Exchange): void {
    if (!exchange.awaitingContinue || exchange.context) return;
    exchange.awaitingContinue = false;
    this.#socket.write(encoder.encode('HTTP/1.1 100 Continue\r\n\r\n'));
    if (exchange === this.#parsing) this.#startBodyTimer(); // now the body is ours to wait for
  }

  /**
   * Reads the socket only while the connection can take more: not after a refusal (what follows
   * it can't be trusted), not while the body being parsed has a backlog the handler has not read,
   * not while more than MAX_QUEUED requests wait. Once ended, it reads and drops, to see the FIN.
   */
  #flow(): void {
    const full = (this.#parsing?.body.full ?? false) || this.#queue.length > MAX_QUEUED;
    this.#reading = this.#ended || !(this.#refused || full);
    if (this.#reading) this.#socket.resume();
    else this.#socket.pause();
  }

  /** Starts the next queued request, unless one is being served. */
  #serveNext(): void {
    if (this.#serving || this.#queue.length === 0) return;
    const next = this.#queue.shift()!;
    this.#flow();
    if ('error' in next) {
      void this.#sendRefusal(next.error);
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
      if (exchange.gone) {
        // Nobody to write to, but the body the handler made is still finished (F8).
        await dropBody(response.body);
        throw exchange.gone;
      }
      exchange.context = context;
      // A body the handler left unread may still be arriving; closing is simpler than draining it.
      // close() may have been called while the handler ran: then this response is the last.
      if (!exchange.body.ended || this.#closing) context.keepAlive = false;
      keepAlive = await writeResponse(this.#socket, response, context);
    } catch (error) {
      if (exchange.gone || this.#socket.destroyed) {
        // The client went away: nobody to answer, nothing to report but one line.
        this.#options.log(`${head.method} ${head.target}: the client went away before the response was complete`);
        this.#end();
        return;
      }
      if (context.headSent) {
        // Part of the response is out: the only honest thing left is to cut the connection.
        this.#options.onError(error);
        this.#abort();
        return;
      }
      context.keepAlive = false;
      exchange.context = context;
      // Reading the body throws the parser's HttpError (413 for a chunked body over the limit, 408
      // for a body that stopped arriving): the client's fault, and its status says so. Anything
      // else is the server's: a plain 500, with no detail of the error for the client to see.
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) this.#options.onError(error);
      await writeResponse(this.#socket, errorResponse(status), context).catch(() => {});
    } finally {
      this.#serving = null;
    }
    if (!keepAlive || this.#closing) {
      this.#end();
      return;
    }
    if (this.#queue.length > 0) this.#serveNext();
    else if (this.#clientEnded) this.#end();
    else if (this.#timing === null) this.#startIdleTimer();
  }

  async #callHandler(exchange: Exchange): Promise<ServerResponse> {
    return await this.#handler(new HandlerRequest(exchange, this.#socket));
  }

  /** Queues a refusal behind the requests before it, and reads nothing more. */
  #refuse(error: HttpError): void {
    this.#refused = true;
    this.#queue.push({ error });
    this.#flow();
    this.#serveNext();
  }

  /** Answers a refusal with its status, then ends the connection. */
  async #sendRefusal(error: HttpError): Promise<void> {
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
    // A body that was still arriving never will: that request is abandoned, not answered.
    const abandoned = this.#parsing;
    if (abandoned) {
      this.#parsing = null;
      const gone = new Error('the client closed its side before the request body was complete');
      abandon(abandoned, gone);
      abandoned.body.fail(gone);
      if (abandoned !== this.#serving) {
        this.#queue.splice(this.#queue.indexOf(abandoned), 1);
        this.#options.log(`${abandoned.head.method} ${abandoned.head.target}: the client went away before the request was complete`);
      }
    }
    if (this.idle) this.#end();
  }

  /**
   * Ends our side of the connection: a FIN after everything written, then wait for the client's
   * (RFC 9112 §9.6 closes in stages). A paused socket would never see the client's FIN, so read on
   * and drop what comes; a client that has not closed its side LINGER_MS later is cut off.
   */
  #end(): void {
    if (this.#ended || this.#socket.destroyed) return;
    this.#ended = true;
    this.#stopTimers();
    this.#socket.end(() => {
      if (!this.#socket.destroyed) this.#setTimer('linger', LINGER_MS, () => this.#socket.destroy());
    });
    this.#flow();
  }

  /**
   * Cuts a connection whose response failed half-way. What was already written still goes out
   * (destroy() at once would drop what is queued), then the connection is reset: the client gets
   * a response whose framing never completes, or a reset where a close would have ended the body,
   * and knows it is broken.
   */
  #abort(): void {
    if (this.#socket.destroyed) return;
    this.#ended = true;
    this.#stopTimers();
    const cut = () => this.#socket.resetAndDestroy();
    setTimeout(cut, LINGER_MS).unref(); // a client that doesn't read would hold the queue forever
    this.#socket.write(new Uint8Array(0), cut); // the callback runs once everything before it is out
  }

  #onClose(): void {
    this.#stopTimers();
    // Most connections close with nothing left to answer. An Error records the stack when it is
    // made, which took about 10 µs here, once per connection: so it is made only when needed.
    if (this.idle) return;
    const gone = new Error('the client disconnected');
    for (const exchange of [this.#serving, ...this.#queue]) {
      if (exchange && !('error' in exchange)) {
        abandon(exchange, gone);
        exchange.body.fail(gone);
      }
    }
    this.#queue.length = 0; // nobody is left to answer
  }

  #startHeaderTimer(): void {
    if (this.#timing === 'head') return; // timed from the first byte, not the latest
    this.#setTimer('head', this.#options.headerTimeoutMs, () => this.#onHeaderTimeout());
  }

  #startBodyTimer(): void {
    this.#setTimer('body', this.#options.bodyTimeoutMs, () => this.#onBodyTimeout());
  }

  #startIdleTimer(): void {
    this.#setTimer('idle', this.#options.keepAliveTimeoutMs, () => this.#end());
  }

  #setTimer(timing: 'head' | 'body' | 'idle' | 'linger', ms: number, fire: () => void): void {
    this.#stopTimers();
    this.#timing = timing;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#timing = null;
      fire();
    }, ms);
  }

  #stopTimers(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#timing = null;
  }

  #onHeaderTimeout(): void {
    this.#refuse(new HttpError(408, 'the request head took too long to arrive'));
  }

  #onBodyTimeout(): void {
    // While the server has stopped reading (backpressure), the delay is ours, not the client's.
    if (!this.#reading) return this.#startBodyTimer();
    // The handler's next read of this body throws the 408, which becomes the answer.
    const late = this.#parsing!;
    this.#parsing = null;
    late.body.fail(new HttpError(408, 'the request body stopped arriving'));
    this.#refused = true;
    this.#flow();
  }
}

/**
 * The request a handler sees. A class, not an object literal, because of the `signal` getter: for
 * a literal with a getter, V8 defines the accessor anew on every object it creates (about 1.5 µs)
 * and keeps that object's properties in a slow dictionary, so each later read of `request.method`
 * is a table lookup. A class defines the getter once, on its prototype, and its objects stay fast:
 * the server's CPU per request dropped by about a third. (The head's fields are named one by one,
 * not copied with `...head`, which V8 also does more slowly.)
 */
class HandlerRequest implements ServerRequest {
  readonly method: string;
  readonly target: string;
  readonly version: HttpVersion;
  readonly headers: HeaderField[];
  readonly body: AsyncIterable<Uint8Array>;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly #exchange: Exchange;

  constructor(exchange: Exchange, socket: Socket) {
    const { head } = exchange;
    this.method = head.method;
    this.target = head.target;
    this.version = head.version;
    this.headers = head.headers;
    this.body = exchange.body;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    this.localAddress = socket.localAddress ?? '';
    this.localPort = socket.localPort ?? 0;
    this.#exchange = exchange;
  }

  /** The AbortController is only made for a handler that asks for the signal. */
  get signal(): AbortSignal {
    return signalOf(this.#exchange);
  }
}

/** The request's signal, made on first use; aborted at once if the client has already gone. */
function signalOf(exchange: Exchange): AbortSignal {
  if (exchange.abort === null) {
    exchange.abort = new AbortController();
    if (exchange.gone) exchange.abort.abort(exchange.gone);
  }
  return exchange.abort.signal;
}

/** The client went away: the request is abandoned, and its signal (if a handler made it) aborted. */
function abandon(exchange: Exchange, reason: Error): void {
  exchange.gone ??= reason;
  exchange.abort?.abort(reason);
}

function errorResponse(status: number): ServerResponse {
  return {
    status,
    headers: [['Content-Type', 'text/plain; charset=utf-8']],
    body: encoder.encode(`${status} ${reasonPhrase(status)}\n`),
  };
}
