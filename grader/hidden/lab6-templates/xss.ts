// The XSS payload corpus: payloads that must come out inert through every way a value reaches a
// `{{ }}`, and through every filter that keeps a safe string safe while adding text to it (A7).
// The templates hold no markup of their own, so the output of a correct engine holds no `<`, `>`,
// `"` or `'` at all: any of them came from the data unescaped. (A stray `&` is no hole: an entity
// decodes to text, never to markup. `replace("a", ...)` on escaped text may cut `&amp;` in two,
// in Jinja2 as here.) Each milestone checks the paths it teaches (expressions, loops,
// blocks, macros and includes).
import { expect } from 'vitest';
import { DictLoader, Environment } from '@lab/templates';
import { CALL_BOUND_MS, bounded, show } from '../../harness/index.ts';
import { showData } from './helpers.ts';

/** Data that a visitor could have typed. Each is tried in every template. */
export const PAYLOADS = [
  `<script>alert('x')</script>`,
  `" onmouseover="alert(1)`,
  `' onfocus='alert(1)' autofocus='`,
  `<img src=x onerror=alert(1)>`,
  `</title><svg/onload=alert(1)>`,
  `a&b<c>d"e'f`,
];

/** The context of every payload render: `p` is the payload, the rest reach it in other ways. */
export function payloadData(p: string): Record<string, unknown> {
  return {
    p,
    s: 'aaa bbb ccc',
    o: { p, [p]: p },
    l: [p, 'x'],
    xs: ['a', 'b'],
    f: (x: unknown) => x,
    obj: { toString: () => p },
  };
}

/**
 * Safe values built by the template itself, which a keeping filter must not let payload text into.
 * `s|safe` is trusted text; the others are escaped data.
 */
export const SAFE_SOURCES = ['s|e', 's|escape', 's|safe', 's|e|e', 'p|e', '(s ~ p)|e'];

/**
 * Filters that keep safeness (rule A6), each with the payload `p` in one of its text arguments, or
 * with no argument at all; `X` stands for the value they get.
 */
export const KEEPERS = [
  'X|replace("a", p)',
  'X|replace("a", p, 1)',
  'X|replace("", p)',
  'X|replace("a", "<b>")',
  'X|replace(p, "b")',
  'X|replace("a", p)|upper',
  'X|truncate(3, true, p)',
  'X|truncate(5, false, p)',
  'X|truncate(2, true, "<i>")',
  'X|title',
  'X|capitalize',
  'X|trim',
  'X|reverse',
];

/** Every keeper applied to `value`, once alone and once after each argument-less keeper. */
export function keeperChains(value: string): string[] {
  const plain = KEEPERS.map((k) => k.replace('X', value));
  const chained = ['title', 'capitalize', 'trim', 'reverse'].flatMap((first) =>
    KEEPERS.filter((k) => k.includes('(')).map((k) => k.replace('X', `${value}|${first}`)),
  );
  return [...plain, ...chained];
}

/** Output with nothing in it that could open or close a tag, or close a quoted attribute. */
export function isInert(output: string): boolean {
  return !/[<>"']/.test(output);
}

export interface PayloadCase {
  template: string;
  /** Other templates, by name, for include and extends; the template itself is then `page.html`. */
  files?: Record<string, string>;
}

/**
 * Renders every case with every payload and fails, showing the first unsafe render (its template,
 * data and output) and how many there were, if any output is not inert.
 */
export function expectInertEverywhere(cases: PayloadCase[]): void {
  const unsafe: Array<{ template: string; data: string; output: string }> = [];
  let renders = 0;
  for (const { template, files } of cases) {
    // One time bound for the compile and every render of this template: the calls inside share
    // it (the harness's `bounded`), and a timeout still names the one that was running. The full
    // bound even after an earlier timeout: the shortened one is meant for one call, not dozens.
    bounded(`rendering ${show(template)} with each payload`, () => {
      // Compiled once, rendered with every payload: the corpus is large, and so is a compile.
      const compiled = bounded(`compiling ${show(template)}`, () => {
        if (!files) return new Environment().fromString(template);
        return new Environment({ loader: new DictLoader({ ...files, 'page.html': template }) }).getTemplate('page.html');
      });
      for (const p of PAYLOADS) {
        const data = payloadData(p);
        renders += 1;
        const output = bounded(`rendering ${show(template)}`, () => compiled.render(data));
        if (!isInert(output)) {
          const loaded = files ? `, with ${Object.entries(files).map(([name, source]) => `${name} = ${show(source)}`).join('; ')}` : '';
          unsafe.push({ template: `${show(template)}${loaded}`, data: showData({ p }), output });
        }
      }
    }, CALL_BOUND_MS);
  }
  const first = unsafe[0];
  const message = first
    ? `${unsafe.length} of ${renders} payload renders let markup through. The first: ${first.template} with data ${first.data} (and s = "aaa bbb ccc") printed ${show(first.output)}`
    : '';
  expect(unsafe.slice(0, 3), message).toEqual([]);
}
