// The production contract: middleware around TSGI apps, a prefork server in Gunicorn's model,
// and a reverse proxy in nginx's role. Lab 8 implements it. Read it; don't edit it.
import type { Server } from './server.ts';
import type { TsgiApp } from './tsgi.ts';

/** Middleware: takes an app, returns an app that does one more thing around it. */
export type Middleware = (app: TsgiApp) => TsgiApp;

export interface StaticOptions {
  /** The folder served; nothing outside it, whatever the path says (`..`, `%2e%2e`, `\`, NUL, symlinks). */
  root: string;
  /** The URL prefix, like `/static`; requests outside it go to the wrapped app. */
  prefix: string;
}

export interface ProxyFixOptions {
  /** How many proxies to trust for each header: X-Forwarded-For, -Proto, -Host. 0 trusts none. */
  xFor?: number;
  xProto?: number;
  xHost?: number;
}

export interface ArbiterOptions {
  /** The worker's module (absolute path). Each worker imports it and serves the TSGI app it exports as `app`. */
  workerModule: string;
  /** Node's arguments for workers, like ['--import', 'tsx', '--conditions=reference']. */
  execArgv?: string[];
  /** How many workers to start. */
  workers: number;
  port: number;
  host?: string;
  /** A worker silent (no heartbeat) for this long is killed and replaced. */
  timeoutMs?: number;
  /** How long stopping workers may take to finish their requests before they are killed. */
  gracefulTimeoutMs?: number;
}

/** What an arbiter reports about itself (for tests, logs and `npm run serve`). */
export interface ArbiterStatus {
  /** Process ids of the live workers. */
  workers: number[];
  /** How many workers it keeps. */
  target: number;
  /** The bound address once listening. */
  port: number | null;
}

export interface UpstreamAddress {
  host: string;
  port: number;
}

export interface ProxyOptions {
  /** The servers behind the proxy, tried in turn (round-robin). */
  upstreams: UpstreamAddress[];
  /** Longest wait for an upstream's response head; past it: 504. */
  timeoutMs?: number;
}

export type { Server };
