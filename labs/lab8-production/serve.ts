// Runs the prefork server from the command line (and from tests, which talk to it through its
// output and signals): node --import tsx serve.ts --app FILE [--workers N] [--port P] [--host H]
// Prints one JSON line per state change: {"event":"listening","port":...,"workers":[pids]}.
import { parseArgs } from 'node:util';
// Through the lab's public surface only, so this program runs on any design of the arbiter.
import { Arbiter } from './index.ts';

const { values } = parseArgs({
  options: {
    app: { type: 'string' },
    workers: { type: 'string', default: '2' },
    port: { type: 'string', default: '8000' },
    host: { type: 'string', default: '127.0.0.1' },
    timeout: { type: 'string', default: '5000' },
    'graceful-timeout': { type: 'string', default: '5000' },
  },
});
if (!values.app) {
  console.error('usage: serve.ts --app MODULE [--workers N] [--port P] [--host H]');
  process.exit(2);
}

const arbiter = new Arbiter({
  workerModule: values.app,
  // Workers run TypeScript the way this process does, with the same conditions.
  execArgv: process.execArgv,
  workers: Number(values.workers),
  port: Number(values.port),
  host: values.host,
  timeoutMs: Number(values.timeout),
  gracefulTimeoutMs: Number(values['graceful-timeout']),
});
// Whoever reads our output may be gone (a test that ended): that must not crash the arbiter.
process.stdout.on('error', () => {});
const report = (event: string) => console.log(JSON.stringify({ event, ...arbiter.status() }));
await arbiter.start();
// Signals first, then the news: whoever reads "listening" may signal at once, and TTIN or TTOU
// that arrive before a handler would stop (suspend) this process, as their default action does.
arbiter.handleSignals(() => {
  report('stopped');
  process.exit(0);
});
report('listening');
// Let tests and operators see the worker set change (restarts, reloads, TTIN/TTOU).
let last = JSON.stringify(arbiter.status().workers);
setInterval(() => {
  const now = JSON.stringify(arbiter.status().workers);
  if (now !== last) {
    last = now;
    report('workers');
  }
}, 50);
