// Lab 7's public surface, at the open level: every export the grader uses, with its final
// signature, and nothing of the inside. Design the rest yourself, in this file or in files of your
// own; keep these names and signatures. Each body throws until you write it.
import type {
  AfterRequestHook,
  AppApi,
  AppOptions,
  BeforeRequestHook,
  ConfigApi,
  DataSource,
  ErrorHandler,
  RouteOptions,
  TeardownHook,
  View,
  ViewResult,
} from '#contracts/framework';
import type { Server } from '#contracts/server';
import type { TsgiApp } from '#contracts/tsgi';
import type { Response } from '#toolkit';

export { createDemo } from './demo/app.ts';

/**
 * The application, Flask's `app`: a registry of views, hooks and error handlers, and (as `tsgi`)
 * the TSGI application that runs them. Specified in lessons/07-framework.md#the-app-object.
 */
export class App implements AppApi {
  /** The app's settings, DEBUG first (lessons/07-framework.md#configuration, C1). */
  readonly config!: Config;

  constructor(options: AppOptions = {}) {
    throw new Error('TODO(lab7): the App constructor is not written yet (lessons/07-framework.md#the-app-object)');
  }

  /** Registers a view for a URL rule (A1-A4, A10). */
  route(rule: string, options: RouteOptions, view: View): void {
    throw new Error('TODO(lab7): App.route is not written yet (lessons/07-framework.md#the-app-object)');
  }

  /** `route` with the methods ['GET'] (A1). */
  get(rule: string, view: View): void {
    throw new Error('TODO(lab7): App.get is not written yet (lessons/07-framework.md#the-app-object)');
  }

  /** `route` with the methods ['POST'] (A1). */
  post(rule: string, view: View): void {
    throw new Error('TODO(lab7): App.post is not written yet (lessons/07-framework.md#the-app-object)');
  }

  /** The URL of an endpoint's rule, with these values (A2). */
  urlFor(endpoint: string, values?: Record<string, unknown>): string {
    throw new Error('TODO(lab7): App.urlFor is not written yet (lessons/07-framework.md#the-app-object)');
  }

  /** Registers a hook that runs before the view (lessons/07-framework.md#hooks, H1-H3). */
  beforeRequest(hook: BeforeRequestHook): void {
    throw new Error('TODO(lab7): App.beforeRequest is not written yet (lessons/07-framework.md#hooks)');
  }

  /** Registers a hook that runs on every response (lessons/07-framework.md#hooks, H4-H6). */
  afterRequest(hook: AfterRequestHook): void {
    throw new Error('TODO(lab7): App.afterRequest is not written yet (lessons/07-framework.md#hooks)');
  }

  /** Registers a hook that runs last, always (lessons/07-framework.md#hooks, H7-H9). */
  teardown(hook: TeardownHook): void {
    throw new Error('TODO(lab7): App.teardown is not written yet (lessons/07-framework.md#hooks)');
  }

  /** Registers a handler for a status or an error class (lessons/07-framework.md#error-handling). */
  errorHandler(statusOrClass: number | (abstract new (...args: any[]) => unknown), handler: ErrorHandler): void {
    throw new Error('TODO(lab7): App.errorHandler is not written yet (lessons/07-framework.md#error-handling)');
  }

  /** A template of the templateFolder, rendered to a string (lessons/07-framework.md#templates). */
  renderTemplate(name: string, context: Record<string, unknown> = {}): string {
    throw new Error('TODO(lab7): App.renderTemplate is not written yet (lessons/07-framework.md#templates)');
  }

  /** The whole app as a TSGI application, for any TSGI server (A5). */
  get tsgi(): TsgiApp {
    throw new Error('TODO(lab7): App.tsgi is not written yet (lessons/07-framework.md#the-app-object)');
  }

  /** The development server (lessons/07-framework.md#debug-mode-is-for-your-machine, P1). */
  async run(options: { port?: number; host?: string } = {}): Promise<Server> {
    throw new Error('TODO(lab7): App.run is not written yet (lessons/07-framework.md#debug-mode-is-for-your-machine)');
  }
}

/** Settings by UPPERCASE key, filled from objects and the environment (lessons/07-framework.md#configuration). */
export class Config implements ConfigApi {
  /** A Config holding these values, each key as it is (C1). */
  constructor(initial: Record<string, unknown> = {}) {
    throw new Error('TODO(lab7): the Config constructor is not written yet (lessons/07-framework.md#configuration)');
  }

  /** The value of a key, or undefined. */
  get(key: string): unknown {
    throw new Error('TODO(lab7): Config.get is not written yet (lessons/07-framework.md#configuration)');
  }

  /** Sets a key's value. */
  set(key: string, value: unknown): void {
    throw new Error('TODO(lab7): Config.set is not written yet (lessons/07-framework.md#configuration)');
  }

  /** Copies an object's UPPERCASE keys (C2). */
  fromObject(source: Record<string, unknown>): void {
    throw new Error('TODO(lab7): Config.fromObject is not written yet (lessons/07-framework.md#configuration)');
  }

  /** Copies the environment variables that start with prefix, without it (C3, C4). */
  fromEnv(prefix = 'APP_', env: Record<string, string | undefined> = process.env): void {
    throw new Error('TODO(lab7): Config.fromEnv is not written yet (lessons/07-framework.md#configuration)');
  }
}

/**
 * Whatever a view (or hook, or handler) returned, as a Response: `where` names it for the error,
 * `status` is what a bare body gets. Specified in lessons/07-framework.md#views-and-what-they-return.
 */
export function makeResponse(result: ViewResult | unknown, where: string, status = 200): Response {
  throw new Error('TODO(lab7): makeResponse is not written yet (lessons/07-framework.md#views-and-what-they-return)');
}

type Row = { id: string } & Record<string, unknown>;

/** Records in a JSON file, an array of objects with an `id` (lessons/07-framework.md#pages-from-data, D1-D8). */
export class JsonFileSource<T extends Row> implements DataSource<T> {
  constructor(path: string, options: { persist?: boolean } = {}) {
    throw new Error('TODO(lab7): the JsonFileSource constructor is not written yet (lessons/07-framework.md#pages-from-data)');
  }

  async all(): Promise<T[]> {
    throw new Error('TODO(lab7): JsonFileSource.all is not written yet (lessons/07-framework.md#pages-from-data)');
  }

  async get(id: string): Promise<T | undefined> {
    throw new Error('TODO(lab7): JsonFileSource.get is not written yet (lessons/07-framework.md#pages-from-data)');
  }

  async search(text: string, fields: Array<keyof T & string>): Promise<T[]> {
    throw new Error('TODO(lab7): JsonFileSource.search is not written yet (lessons/07-framework.md#pages-from-data)');
  }

  async add(record: Omit<T, 'id'>): Promise<T> {
    throw new Error('TODO(lab7): JsonFileSource.add is not written yet (lessons/07-framework.md#pages-from-data)');
  }
}

/** Records in a CSV file with a header row, read-only (lessons/07-framework.md#pages-from-data, D1-D6, D9, D10). */
export class CsvFileSource<T extends Row> implements DataSource<T> {
  constructor(path: string) {
    throw new Error('TODO(lab7): the CsvFileSource constructor is not written yet (lessons/07-framework.md#pages-from-data)');
  }

  async all(): Promise<T[]> {
    throw new Error('TODO(lab7): CsvFileSource.all is not written yet (lessons/07-framework.md#pages-from-data)');
  }

  async get(id: string): Promise<T | undefined> {
    throw new Error('TODO(lab7): CsvFileSource.get is not written yet (lessons/07-framework.md#pages-from-data)');
  }

  async search(text: string, fields: Array<keyof T & string>): Promise<T[]> {
    throw new Error('TODO(lab7): CsvFileSource.search is not written yet (lessons/07-framework.md#pages-from-data)');
  }

  async add(record: Omit<T, 'id'>): Promise<T> {
    throw new Error('TODO(lab7): CsvFileSource.add is not written yet (lessons/07-framework.md#pages-from-data)');
  }
}
