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

  #onData(chunk: Buffer): void {
    // TODO(lab2): Ignore data once #ended. Feed the chunk to the parser and act on each event, in
    // order: a head makes a new exchange (#newExchange) that joins the queue and becomes #parsing;
    // body bytes are pushed into #parsing's body (pause the socket when push returns false); an end
    // ends that body and clears #parsing. Then #serveNext.
    // Milestone 5: when feed() throws an HttpError, pause the socket, fail the #parsing body with
    // it, queue a Refusal and #serveNext.
    // Milestone 6: keep #awaitingHead (false from a head to its end) and call #startHeaderTimer
    // when data arrives while it is true; stop the timers at each head.
    throw new Error('TODO(lab2): Connection.#onData is not written yet (lessons/02-server.md#sockets-and-the-event-loop)');
  }

  #newExchange(head: RequestHead): Exchange {
    // TODO(lab2): An Exchange for this head: a new AbortController, context null, and a BodyStream
    // whose first read sends 100 Continue (#sendContinue) and whose drain resumes the socket.
    throw new Error('TODO(lab2): Connection.#newExchange is not written yet (lessons/02-server.md#request-bodies-and-backpressure)');
  }

  /** `Expect: 100-continue`: the client waits for a go-ahead before sending the body. */
  #sendContinue(exchange: Exchange): void {
    // TODO(lab2): If the request has Expect: 100-continue (in any case), is HTTP/1.1, and its
    // response has not started (context is null), write "HTTP/1.1 100 Continue" and an empty line
    // to the socket.
    throw new Error('TODO(lab2): Connection.#sendContinue is not written yet (lessons/02-server.md#request-bodies-and-backpressure)');
  }

  /** Starts the next queued request, unless one is being served. */
  #serveNext(): void {
    // TODO(lab2): Nothing to do while an exchange is #serving or the queue is empty. Otherwise take
    // the first queued item: a Refusal goes to #refuse; an Exchange becomes #serving and goes to
    // #serve.
    throw new Error('TODO(lab2): Connection.#serveNext is not written yet (lessons/02-server.md#keep-alive-and-pipelining)');
  }

  async #serve(exchange: Exchange): Promise<void> {
    // TODO(lab2): Count the request and build its ResponseContext. Call the handler (#callHandler),
    // then writeResponse, which resolves to whether the connection stays open. Finally the exchange
    // is no longer #serving. Milestone 1: then end the connection (#end).
    // Milestone 2: keepAlive is true only if the connection is not #closing, the client wants it
    // (wantsKeepAlive), and maxRequestsPerConnection is not reached; it is false if the handler
    // left the body unread or close() came while it ran. Kept open: serve the next queued request,
    // or end the connection if the client has ended its side, or else start the idle timer.
    // Milestone 5: if the handler throws, answer 500 and call options.onError (an HttpError: answer
    // its status, no onError); but if the head was already sent, cut the connection (#abort).
    throw new Error('TODO(lab2): Connection.#serve is not written yet (lessons/02-server.md#sockets-and-the-event-loop)');
  }

  async #callHandler(exchange: Exchange): Promise<ServerResponse> {
    // TODO(lab2): Build the ServerRequest: the head's fields, the body stream, the abort signal,
    // and both ends of the socket (remoteAddress, remotePort, localAddress, localPort). Await the
    // handler.
    throw new Error('TODO(lab2): Connection.#callHandler is not written yet (lessons/02-server.md#sockets-and-the-event-loop)');
  }

  async #refuse(error: HttpError): Promise<void> {
    // TODO(lab2): A request the parser refused: mark the connection #closing, write errorResponse
    // with the error's status (keepAlive false, ignore a failed write) and end the connection.
    throw new Error('TODO(lab2): Connection.#refuse is not written yet (lessons/02-server.md#when-things-go-wrong)');
  }

  #onClientEnd(): void {
    // TODO(lab2): The client will send nothing more (FIN). Remember it, stop the timers, fail a
    // body still being parsed, and end the connection if it is idle; if not, #serve ends it after
    // the answers.
    throw new Error('TODO(lab2): Connection.#onClientEnd is not written yet (lessons/02-server.md#keep-alive-and-pipelining)');
  }

  /**
   * Ends our side of the connection: a FIN after everything written, then wait for the client's
   * (RFC 9112 §9.6 closes in stages). A paused socket would never see the client's FIN, so read on
   * and drop what comes; a client that has not closed its side LINGER_MS later is cut off.
   */
  #end(): void {
    // TODO(lab2): Only once (#ended). Stop the timers and end the socket.
    // Milestone 7: resume the socket too, and once the end has gone out (the callback of end()),
    // destroy the socket if it is still open LINGER_MS later.
    throw new Error('TODO(lab2): Connection.#end is not written yet (lessons/02-server.md#graceful-shutdown)');
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
    // TODO(lab2): The socket is gone. Stop the timers; abort the AbortController of the exchange
    // being served and of every queued one, and fail their bodies, so a handler waiting on either
    // learns it.
    throw new Error('TODO(lab2): Connection.#onClose is not written yet (lessons/02-server.md#graceful-shutdown)');
  }

  #startHeaderTimer(): void {
    // TODO(lab2): Stop the idle timer. If no header timer runs yet, start one that calls
    // #onHeaderTimeout after headerTimeoutMs. Leave a running one alone: a head is timed from its
    // first byte.
    throw new Error('TODO(lab2): Connection.#startHeaderTimer is not written yet (lessons/02-server.md#timeouts-and-limits)');
  }

  #startIdleTimer(): void {
    // TODO(lab2): End the connection (#end) if keepAliveTimeoutMs pass before the next request
    // begins.
    throw new Error('TODO(lab2): Connection.#startIdleTimer is not written yet (lessons/02-server.md#timeouts-and-limits)');
  }

  #stopTimers(): void {
    if (this.#headerTimer) clearTimeout(this.#headerTimer);
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#headerTimer = null;
    this.#idleTimer = null;
  }

  #onHeaderTimeout(): void {
    // TODO(lab2): The head took too long. Forget the timer and pause the socket. If a request is
    // being served, close after it (#closing); otherwise queue a Refusal with an HttpError(408),
    // and serve it.
    throw new Error('TODO(lab2): Connection.#onHeaderTimeout is not written yet (lessons/02-server.md#timeouts-and-limits)');
  }
}

function errorResponse(status: number): ServerResponse {
  return {
    status,
    headers: [['Content-Type', 'text/plain; charset=utf-8']],
    body: encoder.encode(`${status} ${reasonPhrase(status)}\n`),
  };
}
