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
    // TODO(lab7): this.config: a Config holding DEBUG: false, then whatever options.config says.
    // this.#templates: makeRenderer(folder, engine) if options.templateFolder is set (engine
    // 'course' unless options.templateEngine says otherwise), else null.
    // If options.staticFolder is set, register the rule '/static/<path:filename>' with the
    // endpoint 'static' and a view that answers staticFile(folder, params.filename).
    throw new Error('TODO(lab7): the App constructor is not written yet (lessons/07-framework.md#the-app-object)');
  }

  route(rule: string, options: RouteOptions, view: View): void {
    // TODO(lab7): The endpoint is options.endpoint, else the view function's name. No name at all
    // (an anonymous arrow function): throw an Error that says how to give it one. An endpoint that
    // already belongs to another view: throw. Then add the rule to #router (with the endpoint, the
    // methods and the defaults) and remember the view in #views under its endpoint.
    throw new Error('TODO(lab7): App.route is not written yet (lessons/07-framework.md#the-app-object)');
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
    // TODO(lab7): Without #templates, throw an Error that says a templateFolder is needed.
    // Otherwise render the template with urlFor (also as url_for, Jinja's spelling), the config,
    // and the context on top of them.
    throw new Error('TODO(lab7): App.renderTemplate is not written yet (lessons/07-framework.md#templates)');
  }

  get tsgi(): TsgiApp {
    // TODO(lab7): Return a TSGI app: an async (environ, startResponse) function that gets a
    // Response from this.handle(environ) and lets the response's own TSGI app answer.
    throw new Error('TODO(lab7): App.tsgi is not written yet (lessons/07-framework.md#the-app-object)');
  }

  /** One request, start to finish: the request lifecycle of lessons/07-framework.md. */
  async handle(environ: Environ): Promise<Response> {
    // TODO(lab7): Wrap the environ in a Request. Get a response from #dispatch; if that throws,
    // remember the error and let #errorResponse make the response. Then run the after-request
    // hooks in order, each one's result other than undefined replacing the response (through
    // makeResponse, as a view's result); if one throws, remember that error (unless there is one
    // already) and make an error response. Last, run every teardown
    // hook with the remembered error: always, and a failing one is logged (#log), not thrown.
    throw new Error('TODO(lab7): App.handle is not written yet (lessons/07-framework.md#the-app-object)');
  }

  async #dispatch(request: Request): Promise<Response> {
    // TODO(lab7): Run the before-request hooks in order: the first that returns something other
    // than undefined answers instead of the view (makeResponse). Then ask #router to match the
    // path, method and query string: not-found throws NotFound, method-not-allowed throws
    // MethodNotAllowed(allowed), and a match calls the endpoint's view with the request and the
    // params, through makeResponse. A redirect answers Response.redirect(location, 308), the
    // location being the mount point (request.scriptRoot, each piece between slashes encoded with
    // encodeURIComponent) followed by the router's location exactly as it comes.
    throw new Error('TODO(lab7): App.#dispatch is not written yet (lessons/07-framework.md#the-app-object)');
  }

  /** The handler registered for this error (by status, or by class), or the error's own page. */
  async #errorResponse(error: unknown, request: Request): Promise<Response> {
    // TODO(lab7): Find a handler (#handlerFor). If there is one, its result through makeResponse is
    // the response, a bare body taking the error's status if it is an HttpException (makeResponse's
    // third argument), and a MethodNotAllowed's response gets an Allow header if it has none. If
    // the handler itself throws, that is a #serverError. Without a handler, an HttpException is its
    // own page (toResponse()); anything else is a #serverError.
    throw new Error('TODO(lab7): App.#errorResponse is not written yet (lessons/07-framework.md#error-handling)');
  }

  /** A handler for the error's status first, then for its class: the nearest class wins, as in Flask. */
  #handlerFor(error: unknown): ErrorHandler | undefined {
    // TODO(lab7): For an HttpException, a handler registered under its status wins. Otherwise walk
    // up the error's prototype chain (Object.getPrototypeOf) and return the handler of the first
    // class whose prototype you meet. None: undefined.
    throw new Error('TODO(lab7): App.#handlerFor is not written yet (lessons/07-framework.md#error-handling)');
  }

  /** A 500: in debug mode the error and its stack, escaped; in production, nothing about it. */
  #serverError(error: unknown, request: Request): Response {
    // TODO(lab7): Log the error (#log). With DEBUG === true in the config, a 500 Response of
    // debugPage(error, request); otherwise the page of an InternalServerError, which says nothing
    // about what went wrong.
    throw new Error('TODO(lab7): App.#serverError is not written yet (lessons/07-framework.md#error-handling)');
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
  // TODO(lab7): For 'nunjucks', a nunjucks.Environment over a nunjucks.FileSystemLoader(folder)
  // with autoescape on; otherwise this course's Environment (lab 6) with a FileSystemLoader(folder).
  throw new Error('TODO(lab7): makeRenderer is not written yet (lessons/07-framework.md#templates)');
}
