/**
 * A request body as the handler sees it: an async iterable fed, chunk by chunk, by the
 * connection as the parser produces body bytes. It holds at most a little data: when the handler
 * reads slower than the client sends, `full` turns true and the connection stops reading the
 * socket until `onDrain` says the handler has caught up (backpressure).
 */
export class BodyStream implements AsyncIterable<Uint8Array> {
  static readonly HIGH_WATER_MARK = 64 * 1024;

  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #ended = false;
  #error: Error | null = null;
  #wake: (() => void) | null = null;
  #started = false;
  readonly #onFirstRead: () => void;
  readonly #onDrain: () => void;

  constructor(hooks: { onFirstRead: () => void; onDrain: () => void }) {
    this.#onFirstRead = hooks.onFirstRead;
    this.#onDrain = hooks.onDrain;
  }

  /** True once every byte of the body has arrived. */
  get ended(): boolean {
    return this.#ended;
  }

  /** True while HIGH_WATER_MARK bytes or more wait for the reader: the socket should not be read. */
  get full(): boolean {
    return this.#buffered >= BodyStream.HIGH_WATER_MARK;
  }

  /** Adds bytes that arrived; the reader gets them in order. */
  push(data: Uint8Array): void {
    this.#chunks.push(data);
    this.#buffered += data.length;
    this.#notify();
  }

  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** The body will not complete (the client went away): a pending read throws this. */
  fail(error: Error): void {
    this.#error = error;
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    // TODO(lab2): on the first read only, call #onFirstRead (that is when 100 Continue goes out).
    // Then loop: yield the next queued chunk (uncount it, and call #onDrain once #buffered is back
    // under HIGH_WATER_MARK); with none queued, throw the error if there is one, return if the
    // body has ended, or else wait until #notify wakes you (store the resolve function in #wake).
    throw new Error('TODO(lab2): BodyStream[Symbol.asyncIterator] is not written yet (lessons/02-server.md#request-bodies-and-backpressure)');
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
