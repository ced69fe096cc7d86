#!/usr/bin/env node
// @ts-check
// `npm run serve`: the lab 7 bookshelf demo on your own layers where their last grade passed,
// the reference elsewhere, at http://127.0.0.1:5000/. With --lab 9, lab 9's bookshelf (accounts,
// PostgreSQL, recommendations) over HTTPS at https://127.0.0.1:5443/, plain HTTP redirecting there. The demo runs in a child process
// (serve-run.ts) with the stack's --conditions; Ctrl+C stops both, leaving nothing running.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../course.mjs';
import { Command, UsageError, parseCommandLine, pc, runTool } from './common.mjs';
import { chooseStack, describeStack, nodeArgs, notReadyMessage } from './stack.mjs';

/** How long the demo may take to stop before it is killed. */
const STOP_LIMIT_MS = 3000;

const program = new Command()
  .name('npm run serve')
  .usage('[-- options]')
  .description('Serve the bookshelf demo on your own stack (the reference where your labs do not pass yet)')
  .option('--lab <number>', "which lab's bookshelf: 7 (pages from files) or 9 (accounts, SQL, HTTPS)", '7')
  .option('--port <number>', 'the port to listen on (0 picks a free one); with --lab 9, the plain-HTTP port that redirects', '5000')
  .option('--https-port <number>', 'with --lab 9, the HTTPS port (0 picks a free one)', '5443')
  .option('--host <address>', 'the address to listen on', '127.0.0.1')
  .option('--reference', 'run on the reference layers only, not yours')
  .option('--anyway', 'run on your labs even where they do not pass their tests yet');
const options = parseCommandLine(program, { switches: ['reference', 'anyway'], values: ['port', 'host', 'lab', 'https-port'] });

runTool('serve', async () => {
  const port = Number(options.port);
  const httpsPort = Number(options.httpsPort);
  for (const [value, given] of /** @type {const} */ ([[port, options.port], [httpsPort, options.httpsPort]])) {
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new UsageError(`"${given}" is not a port: use a number like 5000`);
  }
  const lab = Number(options.lab);
  if (lab !== 7 && lab !== 9) throw new UsageError(`--lab ${options.lab}: the bookshelf comes with lab 7 and lab 9`);
  const c = pc.createColors(pc.isColorSupported);
  const { layers, conditions } = chooseStack({ own: !options.reference, upTo: lab });
  if (options.reference) for (const l of layers) if (l.source === 'reference') l.why = 'the reference (you asked for --reference)';
  process.stdout.write(`${c.bold('The bookshelf demo')} (lab ${lab}'s createDemo) on this stack:\n${describeStack(layers)}\n`);
  if (layers.some((l) => !l.ready) && !options.anyway) {
    process.stdout.write(
      `\n${notReadyMessage('npm run serve', `serves lab ${lab}'s bookshelf demo, which runs on every layer from lab 1 to lab ${lab}`, layers)}\n` +
        c.dim("Meanwhile, the lessons site runs on day one: npm run lessons. To start the demo on your labs as they are, add --anyway.\n"),
    );
    return 1;
  }

  const child = fork(join(ROOT, 'grader', 'tools', 'serve-run.ts'), [], {
    cwd: ROOT,
    execArgv: nodeArgs(conditions),
    env: { ...process.env, SERVE_LAB: String(lab), SERVE_PORT: String(port), SERVE_HTTPS_PORT: String(httpsPort), SERVE_HOST: options.host, SERVE_LAYERS: JSON.stringify(layers.map((l) => ({ lab: l.lab.number, title: l.lab.title, source: l.source }))) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), STOP_LIMIT_MS).unref();
    }
  };
  // Ctrl+C reaches the whole process group: the child stops itself, and we wait for it.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  child.on('message', (raw) => {
    const message = /** @type {import('./serve-run.ts').ServeMessage} */ (raw);
    if (message.kind === 'listening') {
      process.stdout.write(`\nServing on ${c.cyan(c.bold(message.url))}  ${c.dim('(a development server: not for the internet)')}\n`);
      process.stdout.write(c.dim(`Open it in a browser. Stop with Ctrl+C. (demo process ${child.pid})\n\n`));
    } else if (message.kind === 'failed') {
      process.stderr.write(`${c.red('serve:')} ${message.message}\n`);
    }
  });

  const code = await new Promise((resolve) => child.on('exit', (exitCode, signal) => resolve(stopping ? 0 : exitCode ?? (signal ? 1 : 0))));
  if (stopping) process.stdout.write(c.dim('Stopped.\n'));
  return /** @type {number} */ (code);
});
