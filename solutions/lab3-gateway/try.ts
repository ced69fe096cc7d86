// Try the gateway by hand. From the course folder:
//
//   npx tsx --conditions=reference labs/lab3-gateway/try.ts            serves helloApp
//   npx tsx --conditions=reference labs/lab3-gateway/try.ts environ    serves environApp
//
// then open the URL it prints in a browser, or run: curl -v http://127.0.0.1:8000/
// With --conditions=reference your gateway runs on the course's labs 1 and 2; leave it out to run
// it on your own. Set PORT to use another port. Ctrl+C stops the server.
import { environApp, helloApp, serve } from './index.ts';

const showEnviron = process.argv[2] !== undefined;
const server = await serve(showEnviron ? environApp : helloApp, { port: Number(process.env.PORT ?? 8000) });
const { address, port } = server.address()!;
console.log(`serving ${showEnviron ? 'environApp' : 'helloApp'} on http://${address}:${port}/  (Ctrl+C to stop)`);
process.once('SIGINT', () => {
  console.log('closing');
  void server.close().then(() => console.log('closed'));
});
