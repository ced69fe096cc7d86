import type { ViewResult } from '#contracts/framework';
import { Response } from '#toolkit';

/**
 * Turns whatever a view returned into a Response, the way Flask's make_response does:
 * a string is HTML, an object or array is JSON, a tuple adds a status and headers.
 * `where` names the view (or hook, or handler) for the error; `status` is what a bare body gets.
 */
export function makeResponse(result: ViewResult | unknown, where: string, status = 200): Response {
  if (result instanceof Response) return result;
  if (typeof result === 'string') return new Response(result, { status });
  if (Array.isArray(result) && typeof result[1] === 'number' && result.length <= 3) {
    const [body, ownStatus, headers] = result as [unknown, number, Record<string, string> | Array<[string, string]> | undefined];
    const response = makeResponse(body, where);
    response.status = ownStatus;
    const fields = headers === undefined ? [] : Array.isArray(headers) ? headers : Object.entries(headers);
    for (const [name, value] of fields) response.headers.set(name, value);
    return response;
  }
  if (result !== null && typeof result === 'object') return Response.json(result, { status });
  throw new TypeError(
    `${where} returned ${result === undefined ? 'nothing' : result === null ? 'null' : typeof result}: return a string, an object, ` +
      `a Response or [body, status, headers] (did you forget a return?)`,
  );
}
