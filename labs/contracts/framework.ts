// The micro-framework contract (Flask's job): an app object that routes requests to views,
// runs hooks around them, renders templates and turns errors into pages. Its app is a TSGI app,
// so any TSGI server runs it. Lab 7 implements it. Read it; don't edit it.
import type { RequestApi, ResponseApi } from './toolkit.ts';
import type { TsgiApp } from './tsgi.ts';

/**
 * What a view may return, and what the framework makes of it:
 * a string (an HTML page), a plain object or array (JSON), a Response (as it is), or a tuple
 * `[body, status]` / `[body, status, headers]` whose body is any of the above.
 */
export type ViewResult =
  | string
  | ResponseApi
  | Record<string, unknown>
  | unknown[]
  | [body: unknown, status: number]
  | [body: unknown, status: number, headers: Record<string, string> | Array<[string, string]>];

/** A view: the request and the values of the rule's variables in, a result out. */
export type View = (request: RequestApi, params: Record<string, any>) => ViewResult | Promise<ViewResult>;

export interface RouteOptions {
  /** Methods the view answers; default ['GET']. */
  methods?: string[];
  /** The name urlFor uses; defaults to the view function's name. */
  endpoint?: string;
  /** Values the view gets for this rule besides its variables (Flask's `defaults`, lesson 4's N1). */
  defaults?: Record<string, unknown>;
}

/** Runs before the view; returning a result skips the view (a login check, say). */
export type BeforeRequestHook = (request: RequestApi) => ViewResult | undefined | void | Promise<ViewResult | undefined | void>;
/** Runs after the view with its response; may change it or return another. */
export type AfterRequestHook = (response: ResponseApi, request: RequestApi) => ResponseApi | undefined | void | Promise<ResponseApi | undefined | void>;
/** Runs last, always, with the error that ended the request if there was one. */
export type TeardownHook = (error: unknown, request: RequestApi) => void | Promise<void>;
/**
 * Turns an error into a result: registered for a status (404) or an error class. A bare body it
 * returns takes the status of an HttpException; a tuple or a Response keeps its own status.
 */
export type ErrorHandler = (error: any, request: RequestApi) => ViewResult | Promise<ViewResult>;

export interface AppOptions {
  /** Folder of templates for renderTemplate; none by default. */
  templateFolder?: string;
  /** Folder served under /static/; none by default. */
  staticFolder?: string;
  /** Which engine renders templates: this course's (lab 6, the default) or nunjucks. */
  templateEngine?: 'course' | 'nunjucks';
  /** Initial configuration; DEBUG: true shows errors in pages (never in production). */
  config?: Record<string, unknown>;
}

export interface AppApi {
  /** Configuration: read it, or fill it with fromObject and fromEnv. */
  readonly config: ConfigApi;
  route(rule: string, options: RouteOptions, view: View): void;
  get(rule: string, view: View): void;
  post(rule: string, view: View): void;
  urlFor(endpoint: string, values?: Record<string, unknown>): string;
  beforeRequest(hook: BeforeRequestHook): void;
  afterRequest(hook: AfterRequestHook): void;
  teardown(hook: TeardownHook): void;
  errorHandler(statusOrClass: number | (abstract new (...args: any[]) => unknown), handler: ErrorHandler): void;
  /** Renders a template from templateFolder, with urlFor, request-independent config and `context`. */
  renderTemplate(name: string, context?: Record<string, unknown>): string;
  /** The application as TSGI: give it to any TSGI server. */
  readonly tsgi: TsgiApp;
}

export interface ConfigApi {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  /** Copies the UPPERCASE keys of an object (Flask's convention: other keys are helpers). */
  fromObject(source: Record<string, unknown>): void;
  /**
   * Copies environment variables that start with `prefix` (default 'APP_'), without it:
   * APP_DEBUG=true sets DEBUG. Values that parse as JSON (true, 42, "x") are parsed.
   */
  fromEnv(prefix?: string, env?: Record<string, string | undefined>): void;
}

/** Records behind one small interface, whatever stores them: a JSON file, a CSV file, a database. */
export interface DataSource<T extends { id: string }> {
  /** Every record, in a new array each time (changing it does not change the source). */
  all(): Promise<T[]>;
  get(id: string): Promise<T | undefined>;
  /** Records whose listed fields contain `text`, case-insensitively. */
  search(text: string, fields: Array<keyof T & string>): Promise<T[]>;
  /** Stores a new record and returns it with its id. Read-only sources throw. */
  add(record: Omit<T, 'id'>): Promise<T>;
}
