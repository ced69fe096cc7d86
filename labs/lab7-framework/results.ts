import type { ViewResult } from '#contracts/framework';
import { Response } from '#toolkit';

/**
 * Turns whatever a view returned into a Response, the way Flask's make_response does:
 * a string is HTML, an object or array is JSON, a tuple adds a status and headers.
 * `where` names the view (or hook, or handler) for the error; `status` is what a bare body gets.
 */
export function makeResponse(result: ViewResult | unknown, where: string, status = 200): Response {
  // TODO(lab7): A Response stays as it is; a string becomes an HTML Response with `status`. An
  // array of two or three items whose second is a number is a tuple [body, status, headers?]: make
  // the body's response, then set the tuple's status and each header, replacing one of the same
  // name (headers may be a record or [name, value] pairs). Any other object or array is JSON
  // (Response.json) with `status`. Anything else (undefined, null, a number) is a TypeError that
  // names `where` and says what a view may return.
  throw new Error('TODO(lab7): makeResponse is not written yet (lessons/07-framework.md#views-and-what-they-return)');
}
