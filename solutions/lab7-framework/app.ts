import nunjucks from 'nunjucks';
import type {
  AfterRequestHook,
  AppApi,
  AppOptions,
  BeforeRequestHook,
  ErrorHandler,
  RouteOptions,
  TeardownHook,
  View,
} from '#contracts/framework';
import type { TemplateRenderer } from '#contracts/templates';
import type { Environ, TsgiApp } from '#contracts/tsgi';
import { serve } from '#gateway';
import { Router } from '#routing';
import { Environment, FileSystemLoader } from '#templates';
import { HttpException, InternalServerError, MethodNotAllowed, NotFound, Request, Response } from '#toolkit';
import { Config } from './config.ts';
import { debugPage, textOf } from './debug.ts';
import { makeResponse } from './results.ts';
import { staticFile } from './static-files.ts';

/**
 * The application: Flask's `app`. Views are registered by URL rule; each request runs
 * before-request hooks, the view, after-request hooks and teardown hooks, and any error on the way
 * becomes a page. `app.tsgi` is the whole thing as a TSGI application.
 */
export class App implements AppApi {
  readonly config: Config;
  readonly #router = new Router();
  readonly #views = new Map<string, View>();
  readonly #before: BeforeRequestHook[] = [];
  readonly #after: AfterRequestHook[] = [];
  readonly #teardown: TeardownHook[] = [];
  readonly #errorHandlers: Array<[number | (abstract new (...args: any[]) => unknown), ErrorHandler]> = [];
  readonly #templates: TemplateRenderer | null;

  constructor(options: AppOptions = {}) {
    this.config = new Config({ DEBUG: false, ...options.config });
    this.#templates = options.templateFolder ? makeRenderer(options.templateFolder, options.templateEngine ?? 'course') : null;
    const folder = options.staticFolder;
    if (folder) this.route('/static/<path:filename>', { endpoint: 'static' }, (_request, params) => staticFile(folder, params.filename));
  }

  route(rule: string, options: RouteOptions, view: View): void {
    const endpoint = options.endpoint ?? view.name;
    if (!endpoint) {
      throw new Error(`app.route('${rule}'): the view has no name. Use a named function (function listBooks() {...}) or pass { endpoint: 'books' }.`);
    }
    const existing = this.#views.get(endpoint);
    if (existing && existing !== view) throw new Error(`the endpoint "${endpoint}" already belongs to another view`);
    this.#router.add(rule, { endpoint, methods: options.methods, defaults: options.defaults });
    this.#views.set(endpoint, view);
  }

  get(rule: string, view: View): void {
    this.route(rule, { methods: ['GET'] }, view);
  }

  post(rule: string, view: View): void {
    this.route(rule, { methods: ['POST'] }, view);
  }

  urlFor(endpoint: string, values?: Record<string, unknown>): string {
    return this.#router.urlFor(endpoint, values);
  }

  beforeRequest(hook: BeforeRequestHook): void {
    this.#before.push(hook);
  }

  afterRequest(hook: AfterRequestHook): void {
    this.#after.push(hook);
  }

  teardown(hook: TeardownHook): void {
    this.#teardown.push(hook);
  }

  errorHandler(statusOrClass: number | (abstract new (...args: any[]) => unknown), handler: ErrorHandler): void {
    this.#errorHandlers.push([statusOrClass, handler]);
  }

  renderTemplate(name: string, context: Record<string, unknown> = {}): string {
    if (!this.#templates) throw new Error('renderTemplate needs a templateFolder: new App({ templateFolder: ... })');
    const urlFor = (endpoint: string, values?: Record<string, unknown>) => this.urlFor(endpoint, values);
    return this.#templates.render(name, { urlFor, url_for: urlFor, config: this.config, ...context });
  }

  get tsgi(): TsgiApp {
    return async (environ, startResponse) => {
      const response = await this.handle(environ);
      return response.app(environ, startResponse);
    };
  }

  /** One request, start to finish: the request lifecycle of lessons/07-framework.md. */
  async handle(environ: Environ): Promise<Response> {
    const request = new Request(environ);
    let failure: unknown;
    let response: Response;
    try {
      response = await this.#dispatch(request);
    } catch (error) {
      failure = error;
      response = await this.#errorResponse(error, request);
    }
    try {
      for (const hook of this.#after) {
        // Anything but undefined replaces the response, by the rules of a view's result: a number
        // (an arrow function's `log.push(...)`) is makeResponse's TypeError, so a 500.
        const replaced: unknown = await hook(response, request);
        if (replaced !== undefined) response = makeResponse(replaced, 'an after-request hook');
      }
    } catch (error) {
      failure ??= error;
      response = await this.#errorResponse(error, request);
    }
    for (const hook of this.#teardown) {
      // Teardown always runs, and a failing hook must not hide the response or stop the others.
      await Promise.resolve()
        .then(() => hook(failure, request))
        .catch((error) => this.#log(error, environ));
    }
    return response;
  }

  async #dispatch(request: Request): Promise<Response> {
    for (const hook of this.#before) {
      const early = await hook(request);
      if (early !== undefined) return makeResponse(early, 'a before-request hook');
    }
    const match = this.#router.match(request.path, request.method, request.environ.QUERY_STRING);
    switch (match.kind) {
      case 'not-found':
        throw new NotFound();
      case 'method-not-allowed':
        throw new MethodNotAllowed(match.allowed);
      case 'redirect': {
        // The router's location is already a URL (its path encoded, the query string as sent),
        // and it need not be the same path with a slash: `/page/1` goes to `/page/` when that rule
        // has the default n = 1. Only the mount point goes in front, encoded segment by segment.
        const mount = request.scriptRoot.split('/').map(encodeURIComponent).join('/');
        return Response.redirect(mount + match.location, 308);
      }
      case 'match': {
        const view = this.#views.get(match.endpoint)!;
        return makeResponse(await view(request, match.params), `the view "${match.endpoint}"`);
      }
    }
  }

  /** The handler registered for this error (by status, or by class), or the error's own page. */
  async #errorResponse(error: unknown, request: Request): Promise<Response> {
    const handler = this.#handlerFor(error);
    if (!handler) return error instanceof HttpException ? error.toResponse() : this.#serverError(error, request);
    let response: Response;
    try {
      // A bare body from the handler takes the error's status; a tuple or a Response keeps its own.
      const status = error instanceof HttpException ? error.status : 200;
      response = makeResponse(await handler(error, request), 'an error handler', status);
    } catch (handlerError) {
      return this.#serverError(handlerError, request);
    }
    // RFC 9110 §15.5.6: a 405 lists the methods allowed, whoever made its page.
    if (error instanceof MethodNotAllowed && !response.headers.has('Allow')) response.headers.set('Allow', error.allowed.join(', '));
    return response;
  }

  /** A handler for the error's status first, then for its class: the nearest class wins, as in Flask. */
  #handlerFor(error: unknown): ErrorHandler | undefined {
    if (error instanceof HttpException) {
      const byStatus = this.#errorHandlers.find(([key]) => key === error.status);
      if (byStatus) return byStatus[1];
    }
    // Up the class chain (for a TypeError: TypeError, Error, Object): a handler for TypeError beats one for Error.
    let proto = typeof error === 'object' && error !== null ? Object.getPrototypeOf(error) : null;
    while (proto !== null) {
      const byClass = this.#errorHandlers.find(([key]) => typeof key === 'function' && key.prototype === proto);
      if (byClass) return byClass[1];
      proto = Object.getPrototypeOf(proto);
    }
    return undefined;
  }

  /** A 500: in debug mode the error and its stack, escaped; in production, nothing about it. */
  #serverError(error: unknown, request: Request): Response {
    this.#log(error, request.environ);
    if (this.config.get('DEBUG') === true) return new Response(debugPage(error, request), { status: 500 });
    return new InternalServerError().toResponse();
  }

  #log(error: unknown, environ: Environ): void {
    const errors = environ['tsgi.errors'];
    errors.write(`${error instanceof Error ? (error.stack ?? error.message) : textOf(error)}\n`);
    errors.flush();
  }

  /** The development server: fine on your machine, not in front of the internet (lesson 8). */
  async run(options: { port?: number; host?: string } = {}) {
    const server = await serve(this.tsgi, { port: options.port ?? 5000, host: options.host });
    const address = server.address();
    console.log(`Serving on http://${address?.address}:${address?.port}/ (development server: not for production)`);
    return server;
  }
}

function makeRenderer(folder: string, engine: 'course' | 'nunjucks'): TemplateRenderer {
  if (engine === 'nunjucks') return new nunjucks.Environment(new nunjucks.FileSystemLoader(folder), { autoescape: true });
  return new Environment({ loader: new FileSystemLoader(folder) });
}

