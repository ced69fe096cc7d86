#!/usr/bin/env node
// @ts-check
// `npm run trace -- lab3 GET /`: sends one request through your stack (your layers where their
// last grade passed, the reference elsewhere) and prints lesson 0's execution table for it
// (step, action, input, output, notes) and the variable tracker (request, environ, status,
// headers, body). The request runs in a child process (trace-run.ts) with the stack's
// --conditions; this process only prints what it reports.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../course.mjs';
import { Command, UsageError, parseCommandLine, pc, requireLab, runTool, terminalWidth } from './common.mjs';
import { chooseStack, describeStack, nodeArgs, notReadyMessage } from './stack.mjs';
import { buildRows, columnWidths, renderTable, trackerRows } from './trace-format.mjs';

/** Longest wait for the whole trace, child process included. */
const TRACE_LIMIT_MS = 20_000;
const APPS = ['hello', 'environ', 'router', 'demo'];

const program = new Command()
  .name('npm run trace --')
  .usage('<lab> [method] [target] [options]')
  .description('Send one request through your stack and print its execution table: npm run trace -- lab3 GET /')
  .argument('[lab]', 'the lab whose stack to run: lab1 to lab7')
  .argument('[method]', 'the request method', 'GET')
  .argument('[target]', 'the request target', '/')
  .option('--app <name>', `the app: ${APPS.join(', ')} (default: hello up to lab 3, router for labs 4-6, demo from lab 7)`)
  .option('-H, --header <field>', 'an extra header field, "Name: value" (repeatable)', (value, list) => [...list, value], /** @type {string[]} */ ([]))
  .option('--data <text>', 'a request body (sent with Content-Length)')
  .option('--reference', 'run on the reference layers only, not yours')
  .option('--anyway', 'run on your labs even where they do not pass their tests yet')
  .option('--width <columns>', 'the width of the tables')
  .addHelpText('after', '\nExamples:\n  npm run trace -- lab3 GET /\n  npm run trace -- lab3 GET /hello?name=Ada --app environ\n  npm run trace -- lab4 GET /hello/Ada\n  npm run trace -- lab7 GET /books/1');
const options = parseCommandLine(program, { switches: ['reference', 'anyway'], values: ['app', 'data', 'width', 'header'] });

runTool('trace', async () => {
  let [labName, method, target] = /** @type {[string | undefined, string, string]} */ (program.processedArgs);
  const lab = requireLab(labName, 'npm run trace -- lab3 GET /');
  // `npm run trace -- lab3 /hello`: a target alone means GET.
  if (method.startsWith('/') && target === '/') [method, target] = ['GET', method];
  method = method.toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new UsageError(`"${method}" is not a method: try GET, HEAD or POST`);
  if (!/^(\/|\*|https?:\/\/)\S*$/.test(target)) throw new UsageError(`"${target}" is not a request target: it starts with "/", like /hello?name=Ada`);
  const app = options.app ?? (lab.number <= 3 ? 'hello' : lab.number <= 6 ? 'router' : 'demo');
  if (!APPS.includes(app)) throw new UsageError(`there is no app "${app}": choose one of ${APPS.join(', ')}`);
  const neededLab = { hello: 3, environ: 3, router: 4, demo: 7 }[/** @type {'hello'} */ (app)];
  /** @type {[string, string][]} */
  const headers = options.header.map((/** @type {string} */ field) => {
    const colon = field.indexOf(':');
    if (colon < 1) throw new UsageError(`"${field}" is not a header field: write it as "Name: value"`);
    return [field.slice(0, colon).trim(), field.slice(colon + 1).trim()];
  });
  const width = Math.max(60, Number(options.width) || (process.stdout.isTTY ? terminalWidth() : 120));

  const { layers, conditions } = chooseStack({ own: !options.reference, upTo: Math.max(neededLab, Math.min(lab.number, 8)) });
  if (options.reference) for (const l of layers) if (l.source === 'reference') l.why = 'the reference (you asked for --reference)';
  const c = pc.createColors(pc.isColorSupported);
  const source = (/** @type {number} */ n) => layers.find((l) => l.lab.number === n)?.source ?? 'reference';
  const layer = (/** @type {number} */ n) => `Lab ${n}${source(n) === 'yours' ? ' (yours)' : ''}`;

  process.stdout.write(`${c.bold(`Trace: ${method} ${target}`)} on the stack of lab ${lab.number}, app: ${app}\n`);
  process.stdout.write(`${c.dim(describeStack(layers))}\n\n`);
  if (layers.some((l) => !l.ready) && !options.anyway) {
    const top = layers.at(-1)?.lab.number ?? neededLab;
    const purpose = {
      hello: `sends one request through labs 1-${top}: its hello app needs lab 2's server and lab 3's gateway`,
      environ: `sends one request through labs 1-${top}: its environ app needs lab 2's server and lab 3's gateway`,
      router: `sends one request through labs 1-${top}: its router app needs lab 4's router on labs 1-3`,
      demo: `sends one request through labs 1-${top}: the bookshelf demo is lab 7's, on labs 1-6`,
    }[/** @type {'hello'} */ (app)];
    process.stdout.write(
      `${notReadyMessage(`npm run trace -- lab${lab.number}`, purpose, layers)}\n` +
        c.dim(
          "Meanwhile, lesson 0's execution table follows one request through every layer: lessons/00-big-picture.md\n" +
            'To run it on your labs as they are (and see where they stop), add --anyway.\n',
        ),
    );
    return 1;
  }

  const run = await runTrace(conditions, { method, target, headers, body: options.data ?? null, app, timeoutMs: 5000 });
  const rows = buildRows(run.events, { method, target, layer });

  if (rows.length > 0) {
    process.stdout.write(c.bold('Execution table') + '\n');
    const tableWidths = columnWidths(width, 4, [22, 18, 34, 26]);
    process.stdout.write(
      renderTable(
        ['step', 'action', 'input', 'output', 'notes'],
        rows.map((r, i) => [String(i + 1), r.action, r.input, r.output, r.notes]),
        tableWidths,
        { maxLines: 24, bold: c.bold, dim: c.dim },
      ) + '\n\n',
    );
    process.stdout.write(c.bold('Variable tracker') + '\n');
    process.stdout.write(
      renderTable(['step', 'request', 'environ', 'status', 'headers', 'body'], trackerRows(rows), columnWidths(width, 4, [20, 22, 16, 22, 20]), {
        maxLines: 4,
        bold: c.bold,
        dim: c.dim,
      }) + '\n',
    );
  }
  if (run.output.trim()) {
    process.stdout.write(`\n${c.dim('The code printed:')}\n${run.output.trimEnd().split('\n').slice(0, 30).join('\n')}\n`);
  }
  if (run.problem) {
    process.stdout.write(`\n${c.red(run.problem)}\n`);
    return 1;
  }
  const mine = layers.filter((l) => l.source === 'yours');
  process.stdout.write(
    '\n' +
      c.dim(
        mine.length > 0
          ? `Your code in this trace: ${mine.map((l) => `lab ${l.lab.number}`).join(', ')}.`
          : options.reference
            ? 'Every layer in this trace is the reference.'
            : 'Every layer in this trace is the reference: your own labs join in once their grade passes every test.',
      ) +
      '\n',
  );
  return 0;
});

/**
 * Runs trace-run.ts in a child process with the stack's conditions and collects its events and
 * whatever it printed. Never hangs: the child is killed after TRACE_LIMIT_MS.
 * @param {string[]} conditions
 * @param {import('./trace-run.ts').TraceArgs} args
 * @returns {Promise<{ events: import('./trace-run.ts').TraceEvent[], output: string, problem?: string }>}
 */
function runTrace(conditions, args) {
  return new Promise((resolve) => {
    /** @type {import('./trace-run.ts').TraceEvent[]} */
    const events = [];
    let output = '';
    const child = fork(join(ROOT, 'grader', 'tools', 'trace-run.ts'), [JSON.stringify(args)], {
      cwd: ROOT,
      execArgv: nodeArgs(conditions),
      silent: true,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TRACE_LIMIT_MS);
    child.on('message', (message) => events.push(/** @type {any} */ (message)));
    child.stdout?.on('data', (data) => (output += data));
    child.stderr?.on('data', (data) => (output += data));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const done = events.some((e) => e.kind === 'done');
      const problem = timedOut
        ? `The trace did not finish within ${TRACE_LIMIT_MS / 1000} s and was stopped: a layer may loop forever. The table shows what happened until then.`
        : !done
          ? `The trace stopped early (${signal ? `signal ${signal}` : `exit code ${code}`}). The table shows what happened until then.`
          : undefined;
      resolve({ events, output, ...(problem ? { problem } : {}) });
    });
  });
}
