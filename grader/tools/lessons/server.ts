// The lessons site, served by the course's own stack: lab 3's `serve()` runs the site's TSGI app
// (app.ts) on lab 2's server, which parses requests with lab 1. cli.mjs starts this file with
// Node conditions that pick each layer: the learner's where their last grade passed in full (with
// --own-stack, or in a students' copy), the reference otherwise. So once the labs pass, the pages
// a learner reads are served by the code they wrote. Until labs 1-3 can serve at all (a students'
// copy on day one has no reference to fall back on), cli.mjs sets LESSONS_SERVER=node and Node's
// own http module stands in for them (node-server.ts).
//
//   node --import tsx [--conditions=reference-http ...] grader/tools/lessons/server.ts --port 4000
import { parseArgs } from 'node:util';
import { lessonsApp } from './app.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '4000' }, host: { type: 'string', default: '127.0.0.1' } } });
// cli.mjs names the layers in LESSONS_SERVED_BY, for the pages' footer.
const app = lessonsApp({ servedBy: process.env.LESSONS_SERVED_BY || undefined });
// Imported only when used: a lab that does not load yet must not stop the stand-in.
const serve =
  process.env.LESSONS_SERVER === 'node' ? (await import('./node-server.ts')).serveWithNodeHttp : (await import('#gateway')).serve;
const server = await serve(app, { port: Number(values.port), host: values.host }).catch((error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES') throw error;
  console.error(`lessons: cannot listen on ${values.host}:${values.port} (${error.code}). Try another port: npm run lessons -- --port 4001`);
  process.exit(3);
});
const bound = server.address();
if (!bound) throw new Error('the server did not report its address after listen()');
const host = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
console.log(`lessons: http://${host}:${bound.port}/  (Ctrl+C to stop)`);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  void server.close().then(() => process.exit(0));
  // A browser may keep a connection open: don't wait for it for long.
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
