import type { HeaderField } from '#contracts/http';
import { HOP_BY_HOP_HEADERS, type StartResponse, type TsgiHeaders } from '#contracts/tsgi';

/** Three digits, one space, a reason phrase of the characters a header value may hold. */
const STATUS = /^([1-5]\d\d) ([\t\x20-\x7e\x80-\xff]*)$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The server's half of startResponse: remembers the status and headers the application chose,
 * and enforces the rules of the call (PEP 3333 "The start_response() Callable").
 */
export class ResponseStart {
  status: number | null = null;
  reason = '';
  headers: HeaderField[] = [];
  /** Set by the gateway when the first body byte is on its way: the choice is final. */
  headersSent = false;
  /** Set by the first call, even one that was refused: only a call with excInfo may follow it. */
  #called = false;

  readonly startResponse: StartResponse = (status, headers, excInfo) => {
    if (excInfo !== undefined) {
      // The application is handling an error. Before any byte went out it may start over;
      // after, the error goes back to it: the client already has another status line.
      if (this.headersSent) throw excInfo;
    } else if (this.#called) {
      throw new Error('startResponse was already called; a second call needs excInfo (the error being handled)');
    }
    this.#called = true;
    const match = typeof status === 'string' ? STATUS.exec(status) : null;
    if (!match) throw new TypeError(`status must be a string like '200 OK', got ${JSON.stringify(status)}`);
    const checked = checkHeaders(headers);
    // Only a call that passed every check changes the response: a refused one leaves nothing behind.
    this.status = Number(match[1]);
    this.reason = match[2]!;
    this.headers = checked;
  };
}

function checkHeaders(headers: TsgiHeaders): HeaderField[] {
  if (!Array.isArray(headers)) throw new TypeError('headers must be an array of [name, value] pairs');
  return headers.map((pair): HeaderField => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw new TypeError(`each header must be a [name, value] pair of strings, got ${JSON.stringify(pair)}`);
    }
    const [name, value] = pair;
    if (!TOKEN.test(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
    if (!FIELD_VALUE.test(value)) throw new TypeError(`the value of ${name} holds a control character`);
    if (HOP_BY_HOP_HEADERS.has(name.toLowerCase())) {
      throw new TypeError(`${name} is a hop-by-hop header: only the server may set it`);
    }
    return [name, value];
  });
}
