// @ts-check
// `npm run grade lab3 -- --watch`: regrades on every save. One test runner stays alive between
// saves (RunnerSession), so a regrade costs a test run, not a start-up; the screen shows what
// changed since the last grade, then the report.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import chokidar from 'chokidar';
import pc from 'picocolors';
import { LABS, ROOT } from './course.mjs';
import { grade, gradePlan, saveState } from './grade.mjs';
import { formatReport } from './report.mjs';
import { RunnerSession } from './supervisor.mjs';

/** How long to wait after a save for the next one (editors save several files at once). */
const DEBOUNCE_MS = 50;

/** File systems where change events don't arrive (WSL's Windows drives, network shares): poll. */
function needsPolling() {
  if (process.env.CHOKIDAR_USEPOLLING) return true;
  try {
    return /microsoft/i.test(readFileSync('/proc/version', 'utf8'));
  } catch {
    return false;
  }
}

/**
 * What changed between two grades, test by test: the first line of the screen.
 * @param {import('./report.mjs').GradeResult | null} before
 * @param {import('./report.mjs').GradeResult} after
 */
export function changes(before, after) {
  if (!before) return { fixed: [], broken: [] };
  const previous = new Map(before.tests.map((t) => [`${t.milestone}/${t.name}`, t.status]));
  const fixed = [];
  const broken = [];
  for (const t of after.tests) {
    const was = previous.get(`${t.milestone}/${t.name}`);
    if (was !== 'passed' && t.status === 'passed') fixed.push(t.name);
    if (was === 'passed' && t.status !== 'passed') broken.push(t.name);
  }
  return { fixed, broken };
}

/**
 * @param {import('./grade.mjs').GradeOptions & { poll?: boolean, verbose?: boolean, color?: boolean, state?: boolean }} options
 */
export async function watch(options) {
  const plan = gradePlan(options);
  const session = new RunnerSession(plan.session);
  // The lab graded, and with --own-stack the learner's lower labs it runs on.
  const folders = [plan.targetDir];
  if (options.ownStack) {
    for (const lab of LABS.filter((l) => l.number < plan.lab.number)) folders.push(join(ROOT, 'labs', lab.folder));
  }
  const poll = options.poll || needsPolling();
  /** @type {import('./report.mjs').GradeResult | null} */
  let last = null;
  let running = false;
  /** @type {Set<string>} */
  let pending = new Set();
  /** @type {NodeJS.Timeout | null} */
  let timer = null;

  const regrade = async (/** @type {string[]} */ saved) => {
    running = true;
    session.invalidate(saved);
    const started = Date.now();
    const result = await grade(options, session);
    const took = Date.now() - started;
    // `npm run hint` and `npm run progress` read the latest grade, whichever way it was made.
    if (options.state !== false && !options.solution) saveState(result);
    const { fixed, broken } = changes(last, result);
    last = result;
    process.stdout.write('\x1b[2J\x1b[H'); // clear the screen: the newest report is the only one that matters
    const what = saved.length === 0 ? 'first grade' : `saved ${saved.map((f) => relative(ROOT, f)).join(', ')}`;
    process.stdout.write(pc.dim(`${what} · graded in ${took} ms · watching ${folders.map((f) => relative(ROOT, f)).join(', ')}${poll ? ' (polling)' : ''} · Ctrl+C to stop\n`));
    if (fixed.length > 0) process.stdout.write(pc.green(`✔ now passing: ${fixed.join('; ')}\n`));
    if (broken.length > 0) process.stdout.write(pc.red(`✘ newly failing: ${broken.join('; ')}\n`));
    process.stdout.write('\n' + formatReport(result, { verbose: options.verbose, color: options.color }));
    running = false;
    if (pending.size > 0) schedule();
  };

  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) return; // the grade in progress calls schedule() again when it ends
      const saved = [...pending];
      pending = new Set();
      void regrade(saved);
    }, DEBOUNCE_MS);
  };

  const watcher = chokidar.watch(folders, {
    ignoreInitial: true,
    usePolling: poll,
    interval: 300,
    ignored: (path) => /node_modules|\.git/.test(path),
  });
  watcher.on('all', (_event, path) => {
    pending.add(path);
    schedule();
  });

  const stop = async () => {
    await watcher.close();
    await session.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  await regrade([]);
}
