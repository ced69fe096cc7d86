// Lab 5's public surface.
export { Headers } from './headers.ts';
export { MultiDict } from './multidict.ts';
export { parseQuery } from './query.ts';
export { parseCookies, serializeCookie } from './cookies.ts';
export { bestMatch } from './accept.ts';
export { Request } from './request.ts';
export { Response, type ResponseInit } from './response.ts';
export { escapeHtml } from './html.ts';
export {
  HttpException,
  BadRequest,
  Unauthorized,
  Forbidden,
  NotFound,
  MethodNotAllowed,
  PayloadTooLarge,
  UnsupportedMediaType,
  InternalServerError,
} from './errors.ts';
