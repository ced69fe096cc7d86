// How often the reference router answers as Werkzeug does, over werkzeug-corpus.json:
//   npx tsx --conditions=reference grader/hidden/lab4-routing/werkzeug-agreement.ts
// Prints "reference agrees with Werkzeug on N/M" and every difference, with the lesson's reason
// when it is deliberate (any other difference is a bug to fix, in the router or the corpus).
import { Router } from '#routing';
import corpusJson from './werkzeug-corpus.json';
import { describeRules, replay, same, type Group } from './werkzeug-replay.ts';

// A JSON import, not readFileSync: the graded tests run without file system access.
const corpus = corpusJson as unknown as { werkzeug: string; groups: Group[] };
let total = 0;
let agree = 0;
const deliberate: string[] = [];
const other: string[] = [];
for (const group of corpus.groups) {
  for (const c of group.cases) {
    for (const o of replay(c, () => new Router(), (_what, fn) => fn())) {
      if (o.expected === null) continue; // a query of a rule table the lesson refuses
      total += 1;
      if (same(o.actual, o.werkzeug)) {
        agree += 1;
        continue;
      }
      const line = `  [${group.name}] ${describeRules(c)}: ${o.what}\n    Werkzeug: ${JSON.stringify(o.werkzeug)}\n    router:   ${JSON.stringify(o.actual)}`;
      if (o.differs && same(o.actual, o.expected)) deliberate.push(`${line}\n    why: ${o.differs}`);
      else other.push(line);
    }
  }
}
console.log(`reference agrees with Werkzeug on ${agree}/${total}`);
console.log(`deliberate differences (the lesson says why): ${deliberate.length}`);
for (const line of deliberate) console.log(line);
console.log(`other differences: ${other.length}`);
for (const line of other) console.log(line);
process.exitCode = other.length > 0 ? 1 : 0;
