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
    if (!this.#started) {
      this.#started = true;
      this.#onFirstRead();
    }
    while (true) {
      const chunk = this.#chunks.shift();
      if (chunk) {
        this.#buffered -= chunk.length;
        if (this.#buffered < BodyStream.HIGH_WATER_MARK) this.#onDrain();
        yield chunk;
      } else if (this.#error) {
        throw this.#error;
      } else if (this.#ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
