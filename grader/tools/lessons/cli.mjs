#!/usr/bin/env node
// @ts-check
// `npm run lessons`: the lessons as a website, with the quizzes answerable and your progress shown.
//
//   npm run lessons                     serve them on http://127.0.0.1:4000/
//   npm run lessons -- --own-stack      ... on your own labs 1-3, those whose last grade passed
//   npm run lessons -- --port 4001      another port (0: any free one)
//   npm run lessons -- --build DIR      write a static site to DIR instead (open DIR/index.html)
//
// The server is the site's TSGI app run by lab 3's serve() on lab 2's server (server.ts). It runs
// in a child process because Node picks each layer by a condition given on its command line.
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
  process.stdout.write(`${pc.bold('lessons:')} the pages are served by labs 1-3:\n${describeStack(layers)}\n`);
  const servedBy = layers.map((l) => `lab ${l.lab.number} (${l.source === 'yours' ? 'yours' : 'the reference'})`).join(', ');
  const child = spawn(process.execPath, [...nodeArgs(conditions), SERVER, '--port', String(options.port), '--host', options.host], {
    cwd: ROOT,
    stdio: ['inherit', 'pipe', 'inherit'],
    env: { ...process.env, LESSONS_SERVED_BY: servedBy },
  });
  // The server prints its address once it listens; until then a crash is most likely a layer of
  // the stack that is not finished.
  let listening = false;
  child.stdout?.on('data', (/** @type {Buffer} */ chunk) => {
    listening ||= chunk.toString().includes('http://');
    process.stdout.write(chunk);
  });
  // Ctrl+C reaches both processes; a signal sent to this one alone is passed on.
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => {
    if (!listening && code !== 0) {
      const yours = layers.filter((l) => l.source === 'yours').map((l) => l.lab.number);
      if (yours.length > 0) {
        process.stderr.write(
          `\n${pc.red('lessons:')} the server did not start on your lab${yours.length > 1 ? 's' : ''} ${yours.join(', ')} (the error is above).\n` +
            `Grade them (npm run grade lab${yours[0]}), or read the lessons without a server: npm run lessons -- --build site, then open site/index.html\n`,
        );
      }
    }
    process.exit(code ?? (signal ? 1 : 0));
  });
}
