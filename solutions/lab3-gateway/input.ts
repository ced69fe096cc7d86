import type { TsgiInput } from '#contracts/tsgi';

const EMPTY = new Uint8Array(0);

/**
 * `tsgi.input` over the server's streamed request body. `read(size)` waits until it has `size`
 * bytes or the body ends; `read()` reads everything that is left; iterating yields the chunks.
 * Nothing is read from the socket until the application asks: reading is what sends
 * `100 Continue` to a client that waits for it.
 */
export class Input implements TsgiInput {
  readonly #source: AsyncIterable<Uint8Array>;
  #iterator: AsyncIterator<Uint8Array> | null = null;
  /** Bytes taken from the source but not yet handed to the application. */
  #pending: Uint8Array = EMPTY;
  #done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source;
  }

  async read(size = Infinity): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    while (total < size) {
      if (this.#pending.length === 0 && !(await this.#pull())) break;
      const take = Math.min(size - total, this.#pending.length);
      parts.push(this.#pending.subarray(0, take));
      this.#pending = this.#pending.subarray(take);
      total += take;
    }
    return concat(parts, total);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    while (this.#pending.length > 0 || (await this.#pull())) {
      const chunk = this.#pending;
      this.#pending = EMPTY;
      yield chunk;
    }
  }

  /** Takes the next chunk from the source into #pending; false at the end of the body. */
  async #pull(): Promise<boolean> {
    if (this.#done) return false;
    this.#iterator ??= this.#source[Symbol.asyncIterator]();
    const step = await this.#iterator.next();
    if (step.done) {
      this.#done = true;
      return false;
    }
    this.#pending = step.value;
    return true;
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
