// @ts-check
// Is the machine busy? A test that times out on a machine whose cores are all taken by other work
// says nothing about the learner's code. The supervisor samples how many tasks are ready to run
// while tests run, and a test that failed while the machine was busy is run again, alone, before
// anything is blamed on the learner.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

const SAMPLE_MS = 100;
const KEEP_MS = 15 * 60_000;

/** Tasks ready to run right now, not counting the one that asks (Linux), or null elsewhere. */
function runnableNow() {
  try {
    // /proc/loadavg: "0.57 0.15 0.05 3/147 22034": the fourth field is runnable/total tasks.
    const field = readFileSync('/proc/loadavg', 'utf8').split(' ')[3] ?? '';
    const running = Number(field.split('/')[0]);
    return Number.isFinite(running) ? Math.max(0, running - 1) : null;
  } catch {
    return null;
  }
}

/**
 * Samples the machine's load every 100 ms while started. `busyBetween(t0, t1)` says whether, on
 * average over that time, more tasks were ready to run than there are cores: some of them, the
 * test's included, were waiting for a core.
 */
export class LoadMonitor {
  /** @type {{ t: number, load: number }[]} */
  #samples = [];
  /** @type {NodeJS.Timeout | null} */
  #timer = null;
  cores = availableParallelism();
  /** A sample: runnable tasks on Linux, else the one-minute load average (0 on Windows: never busy). */
  #sample = () => {
    const now = Date.now();
    this.#samples.push({ t: now, load: runnableNow() ?? loadavg()[0] ?? 0 });
    while ((this.#samples[0]?.t ?? now) < now - KEEP_MS) this.#samples.shift();
  };

  start() {
    if (this.#timer) return this;
    this.#sample();
    this.#timer = setInterval(this.#sample, SAMPLE_MS);
    this.#timer.unref();
    return this;
  }

  stop() {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** The average load between two times (ms since the epoch), or 0 with no sample. */
  averageBetween(/** @type {number} */ from, /** @type {number} */ to) {
    const inside = this.#samples.filter((s) => s.t >= from - SAMPLE_MS && s.t <= to + SAMPLE_MS);
    if (inside.length === 0) return 0;
    return inside.reduce((sum, s) => sum + s.load, 0) / inside.length;
  }

  /** True when more tasks than cores were ready to run, on average, between the two times. */
  busyBetween(/** @type {number} */ from, /** @type {number} */ to) {
    return this.averageBetween(from, to) > this.cores;
  }
}
