import type { TsgiApp } from '#contracts/tsgi';

/** The seeds' first application: the smallest thing TSGI can serve. */
export const helloApp: TsgiApp = (environ, startResponse) => {
  // TODO(lab3): start a '200 OK' response of type 'text/plain; charset=utf-8' and return
  // 'Hello, WSGI!\n' encoded as bytes, in a list.
  throw new Error('TODO(lab3): helloApp is not written yet (lessons/03-gateway.md#the-smallest-app)');
};

/**
 * Shows the request as the application sees it: every string entry of the environ, one per line,
 * sorted. Environ strings are bytes as text, so they are written back as bytes (latin1).
 */
export const environApp: TsgiApp = (environ, startResponse) => {
  // TODO(lab3): one `KEY: value\n` line per environ entry whose value is a string, keys sorted;
  // a 200 text/plain response whose body is those lines as latin1 bytes.
  throw new Error('TODO(lab3): environApp is not written yet (lessons/03-gateway.md#the-smallest-app)');
};
