import type { ServerOptions } from '#contracts/server';
import type { TsgiErrors } from '#contracts/tsgi';

/** How the gateway presents requests to the application. */
export interface GatewayOptions {
  /** Where the application is mounted, like `/app`; '' (the default) for the root. */
  scriptName?: string;
  /** SERVER_NAME; defaults to the address the server is bound to. */
  serverName?: string;
  /** tsgi.url_scheme; 'https' when a TLS-terminating proxy sits in front. */
  urlScheme?: 'http' | 'https';
  /** tsgi.errors; defaults to standard error. */
  errors?: TsgiErrors;
  /** tsgi.multiprocess: true when several worker processes serve the same app (lab 8). */
  multiprocess?: boolean;
}

/** `serve()`'s options: the gateway's, the server's, and where to listen. */
export type ServeOptions = GatewayOptions & Partial<ServerOptions> & { port?: number; host?: string };
