// The app the arbiter tests serve: a TSGI app with nothing but the routes the tests need. Each
// worker process imports this file (the arbiter's --app), so it depends on nothing else.
//   /pid          the worker's process id, so a test can tell the workers apart
//   /env          what the worker's environ says about processes: {"multiprocess":true,"pid":...}
//   /hold?gate=G  answers "held by PID\n" at once, then waits until the test creates the file G in
//                 $LAB8_GATES, then sends "released\n": a request in flight for as long as the test
//                 wants, with no clock involved
//   /slow?ms=N    answers after N ms
//   /spin         never answers: a loop that holds the worker's only thread (the heartbeat test)
//   anything else 'hello'
// While the file "boot" exists in $LAB8_GATES, a worker that loads this module waits before it
// exports its app, so it is still starting (not ready) for as long as the test wants.
// What the app does is printed on stdout as "app PID: ...", so a failing test shows it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TsgiApp } from '#contracts/tsgi';

const encoder = new TextEncoder();
const GATES = process.env.LAB8_GATES ?? '';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (what: string) => process.stdout.write(`app ${process.pid}: ${what}\n`);
const gateOpen = (name: string) => GATES !== '' && existsSync(join(GATES, name));

if (gateOpen('boot')) {
  say('starting, held until the test removes the "boot" gate');
  while (gateOpen('boot')) await sleep(20);
  say('started');
}

export const app: TsgiApp = async (environ, startResponse) => {
  const path = environ.PATH_INFO;
  const query = new URLSearchParams(environ.QUERY_STRING);
  if (path === '/spin') {
    say('GET /spin: looping for ever');
    for (;;) {
      // A worker stuck here sends no heartbeat: the arbiter must replace it.
    }
  }
  if (path === '/hold') {
    const gate = query.get('gate') ?? 'release';
    say(`GET /hold: held until the gate "${gate}" opens`);
    startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
    return (async function* () {
      yield encoder.encode(`held by ${process.pid}\n`);
      while (!gateOpen(gate)) await sleep(20);
      say(`GET /hold: gate "${gate}" open, answering`);
      yield encoder.encode('released\n');
    })();
  }
  if (path === '/slow') {
    await sleep(Number(query.get('ms') ?? 500));
  }
  const text =
    path === '/pid' ? String(process.pid)
    : path === '/env' ? JSON.stringify({ multiprocess: environ['tsgi.multiprocess'], pid: process.pid })
    : path === '/slow' ? 'slow done'
    : 'hello';
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [encoder.encode(text)];
};
