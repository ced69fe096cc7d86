// The app the arbiter tests serve: a TSGI app with nothing but the routes the tests need. Each
// worker process imports this file (the arbiter's --app), so it depends on nothing else.
//   /pid          the worker's process id, so a test can tell the workers apart
//   /slow?ms=N    answers after N ms (a request still in flight when a signal arrives)
//   /spin         never answers: a loop that holds the worker's only thread (the heartbeat test)
//   anything else 'hello'
import type { TsgiApp } from '#contracts/tsgi';

const encoder = new TextEncoder();

export const app: TsgiApp = async (environ, startResponse) => {
  const path = environ.PATH_INFO;
  if (path === '/spin') {
    for (;;) {
      // A worker stuck here sends no heartbeat: the arbiter must replace it.
    }
  }
  if (path === '/slow') {
    const ms = Number(new URLSearchParams(environ.QUERY_STRING).get('ms') ?? 500);
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
  const text = path === '/pid' ? String(process.pid) : path === '/slow' ? 'slow done' : 'hello';
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [encoder.encode(text)];
};
