import { STATUS_CODES } from 'node:http';
import type { TsgiApp } from '#contracts/tsgi';
import { escapeHtml } from './html.ts';
import { Response } from './response.ts';

/**
 * An HTTP error that renders itself, as Werkzeug's HTTPException does: throw `new NotFound()`
 * anywhere in a view, and the framework turns it into a 404 page with `toResponse()`.
 */
export class HttpException extends Error {
  readonly status: number;
  readonly description: string;

  constructor(status: number, description: string) {
    super(`${status} ${STATUS_CODES[status] ?? ''}: ${description}`);
    this.name = new.target.name;
    this.status = status;
    this.description = description;
  }

  /** A small HTML page; the description is escaped, since it may echo what the client sent. */
  toResponse(): Response {
    // TODO(lab5): a Response with this status and a short HTML page: a title and heading from the
    // status and its phrase (STATUS_CODES), and the description, escaped with escapeHtml.
    throw new Error('TODO(lab5): HttpException.toResponse is not written yet (lessons/05-toolkit.md#http-errors-that-render-themselves)');
  }

  get app(): TsgiApp {
    return this.toResponse().app;
  }
}

export class BadRequest extends HttpException {
  constructor(description = 'The browser (or proxy) sent a request that this server could not understand.') {
    super(400, description);
  }
}

export class Unauthorized extends HttpException {
  constructor(description = 'You need to sign in to see this page.') {
    super(401, description);
  }
}

export class Forbidden extends HttpException {
  constructor(description = "You don't have the permission to access the requested resource.") {
    super(403, description);
  }
}

export class NotFound extends HttpException {
  constructor(description = 'The requested URL was not found on the server.') {
    super(404, description);
  }
}

export class MethodNotAllowed extends HttpException {
  readonly allowed: string[];

  constructor(allowed: string[], description = 'The method is not allowed for the requested URL.') {
    super(405, description);
    this.allowed = allowed;
  }

  override toResponse(): Response {
    // TODO(lab5): the page of super.toResponse(), plus an Allow header listing this.allowed.
    throw new Error('TODO(lab5): MethodNotAllowed.toResponse is not written yet (lessons/05-toolkit.md#http-errors-that-render-themselves)');
  }
}

export class PayloadTooLarge extends HttpException {
  constructor(description = 'The data sent is larger than this server accepts.') {
    super(413, description);
  }
}

export class UnsupportedMediaType extends HttpException {
  constructor(description = 'The server does not support the media type of the request body.') {
    super(415, description);
  }
}

export class InternalServerError extends HttpException {
  constructor(description = 'The server met an error and could not complete the request.') {
    super(500, description);
  }
}
