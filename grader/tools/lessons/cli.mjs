#!/usr/bin/env node
// @ts-check
// `npm run lessons`: the lessons as a website, with the quizzes answerable and your progress shown.
//
//   npm run lessons                     serve them on http://127.0.0.1:4000/
//   npm run lessons -- --own-stack      ... on your own labs 1-3, those whose last grade passed
//   npm run lessons -- --node-http      ... on Node's own http module, whatever your labs' state
//   npm run lessons -- --port 4001      another port (0: any free one)
//   npm run lessons -- --build DIR      write a static site to DIR instead (open DIR/index.html)
//
// The server is the site's TSGI app run by lab 3's serve() on lab 2's server (server.ts). It runs
// in a child process because Node picks each layer by a condition given on its command line.
// When labs 1-3 cannot serve yet (a students' copy has no reference to fall back on, and its labs
// start as stubs), or their server fails to start, Node's own http module serves the same app
// (node-server.ts), and the site says so in its footer: the lessons work on day one.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { ROOT } from '../../course.mjs';
import { chooseStack, describeStack, nodeArgs } from '../stack.mjs';
import { buildSite } from './site.mjs';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));

const program = new Command()
  .name('npm run lessons')
  .usage('[-- options]')
  .description('Read the lessons in a browser: npm run lessons, then open the address it prints')
  .argument('[extra...]')
  .option('--port <port>', 'the port to listen on (0: any free port)', '4000')
  .option('--host <host>', 'the address to listen on', '127.0.0.1')
  .option('--own-stack', 'serve with your own labs 1-3 where their last grade passed every test')
  .option('--node-http', "serve with Node's own http module instead of labs 1-3")
  .option('--build <dir>', 'write a static site to <dir> instead of serving')
  .addHelpText('after', '\nOptions go after "--", so npm passes them on:  npm run lessons -- --port 4001')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

try {
  program.parse();
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.code === 'commander.helpDisplayed' ? 0 : 2);
  throw error;
}

const options = program.opts();
let [extra] = /** @type {[string[]]} */ (program.processedArgs);

// `npm run lessons --own-stack` (no `--`) hands the flag to npm, which turns it into an
// environment variable; `--build DIR` and `--port N` leave their value behind as an argument.
if (process.env.npm_config_own_stack === 'true') options.ownStack = true;
if (process.env.npm_config_node_http === 'true') options.nodeHttp = true;
for (const name of /** @type {const} */ (['build', 'port'])) {
  if (process.env[`npm_config_${name}`] === 'true' && extra.length === 1) {
    options[name] = extra[0];
    extra = [];
  }
}
if (extra.length > 0) {
  process.stderr.write(`${pc.red('lessons:')} unexpected ${extra.join(' ')}. Put "--" before the options: npm run lessons -- --build DIR\n`);
  process.exit(2);
}

if (options.build) build(resolve(options.build));
else start();

function build(/** @type {string} */ dir) {
  const routes = buildSite(dir);
  const pages = routes.filter((route) => route.endsWith('.html')).length;
  process.stdout.write(`lessons: wrote ${pages} pages and ${routes.length - pages} assets to ${dir}\n`);
  process.stdout.write(`open ${join(dir, 'index.html')} in a browser, or serve the folder with any static server\n`);
}

function start() {
  const own = !!options.ownStack;
  const { layers, conditions } = chooseStack({ own, upTo: 3 });
  if (options.nodeHttp) {
    process.stdout.write(`${pc.bold('lessons:')} served by Node's own http module (you asked for --node-http).\n`);
    serveWith('node', [], "Node's http module (npm run lessons -- --node-http)");
    return;
  }
  if (layers.some((l) => !l.ready)) {
    // A students' copy on day one: labs 1-3 are stubs and there is no reference to run instead.
    process.stdout.write(
      `${pc.bold('lessons:')} your labs 1-3 serve these pages once each of them passes its tests. Until then,\n` +
        `Node's own http module stands in for them (the pages are the same):\n${describeStack(layers)}\n`,
    );
    serveWith('node', [], "Node's http module, standing in for labs 1-3 until yours pass their tests");
    return;
  }
  process.stdout.write(`${pc.bold('lessons:')} the pages are served by labs 1-3:\n${describeStack(layers)}\n`);
  const servedBy = layers.map((l) => `lab ${l.lab.number} (${l.source === 'yours' ? 'yours' : 'the reference'})`).join(', ');
  serveWith('stack', conditions, servedBy, (code) => {
    // The labs passed their tests, yet their server did not start (the error is above): serve anyway.
    const yours = layers.filter((l) => l.source === 'yours').map((l) => l.lab.number);
    process.stderr.write(
      `\n${pc.yellow('lessons:')} the server did not start on ${yours.length > 0 ? `your lab${yours.length > 1 ? 's' : ''} ${yours.join(', ')}` : 'labs 1-3'} (exit code ${code}; the error is above).\n` +
        "Serving with Node's own http module instead. Grade them again: npm run grade lab3\n",
    );
    serveWith('node', [], "Node's http module (labs 1-3 did not start: see the terminal)");
  });
}

/**
 * Starts server.ts in a child process, with the stack's conditions or on Node's http module.
 * @param {'stack' | 'node'} kind
 * @param {string[]} conditions
 * @param {string} servedBy   the footer's line
 * @param {(code: number | null) => void} [fallback]  called instead of exiting when the server ends before it listens
 */
function serveWith(kind, conditions, servedBy, fallback) {
  const child = spawn(process.execPath, [...nodeArgs(conditions), SERVER, '--port', String(options.port), '--host', options.host], {
    cwd: ROOT,
    stdio: ['inherit', 'pipe', 'inherit'],
    env: { ...process.env, LESSONS_SERVED_BY: servedBy, LESSONS_SERVER: kind },
  });
  // The server prints its address once it listens; until then a crash is most likely a layer of
  // the stack that is not finished.
  let listening = false;
  child.stdout?.on('data', (/** @type {Buffer} */ chunk) => {
    listening ||= chunk.toString().includes('http://');
    process.stdout.write(chunk);
  });
  // Ctrl+C reaches both processes; a signal sent to this one alone is passed on.
  const forward = (/** @type {NodeJS.Signals} */ signal) => child.kill(signal);
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, forward);
  child.on('exit', (code, signal) => {
    for (const name of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.off(name, forward);
    // Exit code 3: the port is taken, which no other server would change.
    if (!listening && !signal && code !== 0 && code !== 3 && fallback) {
      fallback(code);
      return;
    }
    process.exit(code ?? (signal ? 1 : 0));
  });
}
