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
    // TODO(lab3): with excInfo: throw excInfo itself if headersSent. Without: a second call is an
    // Error. Then check the status (STATUS) and the headers (checkHeaders), and only when both
    // pass, store status, reason and headers.
    throw new Error('TODO(lab3): ResponseStart.startResponse is not written yet (lessons/03-gateway.md#the-startresponse-callable)');
  };
}

function checkHeaders(headers: TsgiHeaders): HeaderField[] {
  // TODO(lab3): an array of [name, value] pairs of strings; each name a token (TOKEN), each value
  // free of control characters (FIELD_VALUE), no name in HOP_BY_HOP_HEADERS (compare lowercased).
  // Throw a TypeError naming what is wrong; return the pairs.
  throw new Error('TODO(lab3): checkHeaders is not written yet (lessons/03-gateway.md#the-response-headers)');
}
