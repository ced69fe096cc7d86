// Given whole: the error limitRequestSize's wrapped tsgi.input throws (lessons/08-production.md#request-size-limits, B2).
// It lives in a file of its own so that both levels of the lab share it.

/** Thrown by the wrapped tsgi.input when a body passes the limit. */
export class RequestTooLarge extends Error {
  constructor(limit: number) {
    super(`the request body is larger than ${limit} bytes`);
    this.name = 'RequestTooLarge';
  }
}
