import type { Socket } from 'node:net';
import { HttpError, ParseError, type ParseEvent, type RequestHead } from '#contracts/http';
import type { Handler, ServerOptions, ServerRequest, ServerResponse } from '#contracts/server';
import { RequestParser, reasonPhrase } from '#http';
import { BodyStream } from './body.ts';
import { wantsKeepAlive } from './keep-alive.ts';
import { dropBody, writeResponse, type ResponseContext } from './respond.ts';

/** One request on its way through the connection: parsed (perhaps partly), then answered. */
interface Exchange {
  head: RequestHead;
  body: BodyStream;
  abort: AbortController;
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
    // TODO(lab2): Keep the socket, the handler and the options; make the parser with
    // options.limits. Then listen to the socket: 'data' goes to #onData, and 'error' to a function
    // that does nothing (a reset by the client; 'close' follows; an 'error' nobody listens to would
    // crash the process).
    // Milestone 2: 'end' goes to #onClientEnd.
    // Milestone 6: start the header timer here too, for a client that connects and sends nothing.
    // Milestone 7: 'close' goes to #onClose.
    throw new Error('TODO(lab2): the Connection constructor is not written yet (lessons/02-server.md#sockets-and-the-event-loop)');
  }

  /** True while no request is queued or being served: safe to close at once. */
  get idle(): boolean {
    return this.#serving === null && this.#queue.length === 0 && this.#parsing === null;
  }

  /** The server is shutting down: finish the current request, take no more. */
  shutDown(): void {
    // TODO(lab2): Take no more requests on this connection (#closing); if it is idle, end it now
    // (#end).
    throw new Error('TODO(lab2): Connection.shutDown is not written yet (lessons/02-server.md#graceful-shutdown)');
  }

  /** The server has too many connections: answer 503 without reading a request, then close. */
  turnAway(): void {
    // TODO(lab2): Refuse (#refuse) with an HttpError(503): it is answered at once, then the
    // connection ends.
    throw new Error('TODO(lab2): Connection.turnAway is not written yet (lessons/02-server.md#timeouts-and-limits)');
  }

  #onData(chunk: Buffer): void {
    // TODO(lab2): Ignore data once #ended or #refused. Feed the chunk to the parser and hand each
    // event to #onEvent, in order. Then #flow and #serveNext.
    // Milestone 5: feed() throws a ParseError: handle its events first (the requests before the
    // refused one), then fail the #parsing body with the error, forget #parsing, and #refuse.
    // Milestone 6: call #startHeaderTimer when data arrives while #awaitingHead; after the events,
    // start the body timer if a body is still arriving (#parsing), unless it awaits 100 Continue.
    throw new Error('TODO(lab2): Connection.#onData is not written yet (lessons/02-server.md#sockets-and-the-event-loop)');
  }

  #onEvent(event: ParseEvent): void {
    // TODO(lab2): A head makes a new exchange (#newExchange) that joins the queue and becomes
    // #parsing. Body bytes are pushed into #parsing's body. An end ends that body and clears #parsing.
    // Milestone 4: body bytes mean the client no longer awaits 100 Continue.
    // Milestone 6: stop the timers at a head and at an end; keep #awaitingHead (false from a head to
    // its end).
    throw new Error('TODO(lab2): Connection.#onEvent is not written yet (lessons/02-server.md#sockets-and-the-event-loop)');
  }

  #newExchange(head: RequestHead): Exchange {
    // TODO(lab2): An Exchange for this head: a new AbortController, context null, awaitingContinue
    // true for an HTTP/1.1 request with Expect: 100-continue (in any case), and a BodyStream whose
    // first read sends 100 Continue (#sendContinue) and whose drain calls #flow.
    throw new Error('TODO(lab2): Connection.#newExchange is not written yet (lessons/02-server.md#request-bodies-and-backpressure)');
  }

  /** `Expect: 100-continue`: the client waits for a go-ahead before sending the body. */
  #sendContinue(exchange: Exchange): void {
    // TODO(lab2): Only if the exchange awaits 100 Continue and its response has not started (context
    // is null): write "HTTP/1.1 100 Continue" and an empty line to the socket, once. Milestone 6: the
    // body timer starts then, if this is the body being parsed.
    throw new Error('TODO(lab2): Connection.#sendContinue is not written yet (lessons/02-server.md#request-bodies-and-backpressure)');
  }

  /**
   * Reads the socket only while the connection can take more: not after a refusal (what follows
   * it can't be trusted), not while the body being parsed has a backlog the handler has not read,
   * not while more than MAX_QUEUED requests wait. Once ended, it reads and drops, to see the FIN.
   */
  #flow(): void {
    // TODO(lab2): Decide whether to read, keep the answer in #reading, and resume or pause the
    // socket to match. Milestone 1: always read.
    // Milestone 2: not while more than MAX_QUEUED requests wait in the queue.
    // Milestone 4: not while the #parsing body is full.
    // Milestone 5: not after a refusal (#refused).
    // Milestone 7: always once #ended (read and drop, to see the client's FIN).
    throw new Error('TODO(lab2): Connection.#flow is not written yet (lessons/02-server.md#request-bodies-and-backpressure)');
  }

  /** Starts the next queued request, unless one is being served. */
  #serveNext(): void {
    // TODO(lab2): Nothing to do while an exchange is #serving or the queue is empty. Otherwise take
    // the first queued item (then #flow: the queue is shorter): a Refusal goes to #sendRefusal; an
    // Exchange becomes #serving and goes to #serve.
    throw new Error('TODO(lab2): Connection.#serveNext is not written yet (lessons/02-server.md#keep-alive-and-pipelining)');
  }

  async #serve(exchange: Exchange): Promise<void> {
    // TODO(lab2): Count the request and build its ResponseContext. Call the handler (#callHandler),
    // then writeResponse, which resolves to whether the connection stays open. Finally the exchange
    // is no longer #serving. Milestone 1: then end the connection (#end).
    // Milestone 2: keepAlive is true only if the connection is not #closing, the client wants it
    // (wantsKeepAlive), and maxRequestsPerConnection is not reached; it is false if the handler
    // left the body unread or close() came while it ran. Kept open: serve the next queued request,
    // or end the connection if the client has ended its side, or else start the idle timer (if no
    // other timer runs).
    // Milestone 5: if the handler throws, answer 500 (keepAlive false) and call options.onError; an
    // HttpError gets its own status and no onError. If the head was already sent, call onError and
    // cut the connection (#abort).
    // Milestone 7: if the client went away (the exchange's signal is aborted, or the socket is
    // destroyed), write nothing, call options.log with one line, and end the connection. A body
    // the handler returned after the client left is still finished: dropBody (respond.ts).
    throw new Error('TODO(lab2): Connection.#serve is not written yet (lessons/02-server.md#sockets-and-the-event-loop)');
  }

  async #callHandler(exchange: Exchange): Promise<ServerResponse> {
    // TODO(lab2): Build the ServerRequest: the head's fields, the body stream, the abort signal,
    // and both ends of the socket (remoteAddress, remotePort, localAddress, localPort). Await the
    // handler.
    throw new Error('TODO(lab2): Connection.#callHandler is not written yet (lessons/02-server.md#sockets-and-the-event-loop)');
  }

  /** Queues a refusal behind the requests before it, and reads nothing more. */
  #refuse(error: HttpError): void {
    // TODO(lab2): Mark the connection #refused, queue a Refusal with the error, then #flow and
    // #serveNext.
    throw new Error('TODO(lab2): Connection.#refuse is not written yet (lessons/02-server.md#when-things-go-wrong)');
  }

  /** Answers a refusal with its status, then ends the connection. */
  async #sendRefusal(error: HttpError): Promise<void> {
    // TODO(lab2): Write errorResponse with the error's status (a GET context, keepAlive false;
    // ignore a failed write) and end the connection.
    throw new Error('TODO(lab2): Connection.#sendRefusal is not written yet (lessons/02-server.md#when-things-go-wrong)');
  }

  #onClientEnd(): void {
    // TODO(lab2): The client will send nothing more (FIN). Remember it and stop the timers, and end
    // the connection if it is idle; if not, #serve ends it after the answers.
    // Milestone 7: a body still being parsed never will be complete: abort that exchange's signal,
    // fail its body, forget #parsing; if it is not the one being served, take it out of the queue
    // and call options.log with one line.
    throw new Error('TODO(lab2): Connection.#onClientEnd is not written yet (lessons/02-server.md#keep-alive-and-pipelining)');
  }

  /**
   * Ends our side of the connection: a FIN after everything written, then wait for the client's
   * (RFC 9112 §9.6 closes in stages). A paused socket would never see the client's FIN, so read on
   * and drop what comes; a client that has not closed its side LINGER_MS later is cut off.
   */
  #end(): void {
    // TODO(lab2): Only once (#ended), and not on a destroyed socket. Stop the timers and end the
    // socket.
    // Milestone 7: #flow too (reading resumes, to drop what comes and see the client's FIN), and
    // once the end has gone out (the callback of end()), destroy the socket if it is still open
    // LINGER_MS later (#setTimer('linger', ...)).
    throw new Error('TODO(lab2): Connection.#end is not written yet (lessons/02-server.md#graceful-shutdown)');
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
    // TODO(lab2): The socket is gone. Stop the timers; abort the AbortController of the exchange
    // being served and of every queued one, and fail their bodies, so a handler waiting on either
    // learns it. Then empty the queue: nobody is left to answer.
    throw new Error('TODO(lab2): Connection.#onClose is not written yet (lessons/02-server.md#graceful-shutdown)');
  }

  #startHeaderTimer(): void {
    // TODO(lab2): Leave a running header timer alone: a head is timed from its first byte.
    // Otherwise #setTimer('head', headerTimeoutMs, ...) to call #onHeaderTimeout.
    throw new Error('TODO(lab2): Connection.#startHeaderTimer is not written yet (lessons/02-server.md#timeouts-and-limits)');
  }

  #startBodyTimer(): void {
    // TODO(lab2): #setTimer('body', bodyTimeoutMs, ...) to call #onBodyTimeout. Every call starts
    // the clock over.
    throw new Error('TODO(lab2): Connection.#startBodyTimer is not written yet (lessons/02-server.md#timeouts-and-limits)');
  }

  #startIdleTimer(): void {
    // TODO(lab2): End the connection (#end) if keepAliveTimeoutMs pass before the next request
    // begins (#setTimer('idle', ...)).
    throw new Error('TODO(lab2): Connection.#startIdleTimer is not written yet (lessons/02-server.md#timeouts-and-limits)');
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
    // TODO(lab2): Refuse with an HttpError(408): it is answered after the requests before it.
    throw new Error('TODO(lab2): Connection.#onHeaderTimeout is not written yet (lessons/02-server.md#timeouts-and-limits)');
  }

  #onBodyTimeout(): void {
    // TODO(lab2): If the server is not reading, start the body timer again. Otherwise fail the
    // #parsing body with an HttpError(408) (the handler's next read throws it, and it becomes the
    // answer), forget #parsing, mark the connection #refused, and #flow. (No need to mark it
    // #closing: a body that never ended closes the connection after its response anyway, Q5.)
    throw new Error('TODO(lab2): Connection.#onBodyTimeout is not written yet (lessons/02-server.md#timeouts-and-limits)');
  }
}

function errorResponse(status: number): ServerResponse {
  return {
    status,
    headers: [['Content-Type', 'text/plain; charset=utf-8']],
    body: encoder.encode(`${status} ${reasonPhrase(status)}\n`),
  };
}
