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
    // TODO(lab3): take bytes from #pending, pulling the next chunk whenever it is empty, until you
    // have `size` bytes or the body ends. Keep the bytes you did not hand out in #pending.
    throw new Error('TODO(lab3): Input.read is not written yet (lessons/03-gateway.md#the-input-stream-tsgiinput)');
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    // TODO(lab3): yield what #pending holds (left over from a read), then each chunk #pull brings.
    throw new Error('TODO(lab3): Input[Symbol.asyncIterator] is not written yet (lessons/03-gateway.md#the-input-stream-tsgiinput)');
  }

  /** Takes the next chunk from the source into #pending; false at the end of the body. */
  async #pull(): Promise<boolean> {
    // TODO(lab3): start iterating the source on the first pull (not before), then put the next
    // chunk in #pending. At the end, remember it (#done) and return false.
    throw new Error('TODO(lab3): Input.#pull is not written yet (lessons/03-gateway.md#the-input-stream-tsgiinput)');
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
