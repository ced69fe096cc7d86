#!/usr/bin/env node
// @ts-check
// `npm run autograder -- lab3 --out lab3-autograder.zip`: a Gradescope autograder for one lab.
// The zip holds setup.sh (Node.js's current LTS and the course's dependencies on Gradescope's Ubuntu image),
// run_autograder, and the part of the course a grade needs: the grader, the lab's hidden tests,
// its starter (to stand in for files a submission lacks), the contracts, and the reference
// solutions of the labs below it. Not the lab's own solution, not the other labs' tests.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { zipSync } from 'fflate';
import { LABS, ROOT, findLab, isPresent } from '../course.mjs';
import { listFiles, openStarterFiles, starterFiles } from './files.mjs';

const SETUP_SH = `#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu 22.04 or 24.04).
# It installs the current LTS release of Node.js (the course needs 20.19 or newer), from the Node.js
# project's own downloads, checked against the checksums the project publishes beside them, and
# then the course's dependencies. Ubuntu's own nodejs package is years behind, hence the download.
set -euo pipefail
SOURCE="\${AUTOGRADER_ROOT:-/autograder}/source"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends ca-certificates curl xz-utils python3
DIST=https://nodejs.org/dist
# The newest release the project's index marks as LTS (its "lts" field names the line, or is false).
VERSION=$(curl -fsSL "$DIST/index.json" | python3 -c 'import json, sys; print(next(r["version"] for r in json.load(sys.stdin) if r["lts"]))')
case "$(uname -m)" in
  x86_64) ARCH=x64 ;;
  aarch64) ARCH=arm64 ;;
  *) echo "setup.sh: no Node.js build for $(uname -m)" >&2; exit 1 ;;
esac
FILE="node-$VERSION-linux-$ARCH.tar.xz"
cd /tmp
curl -fsSLO "$DIST/$VERSION/$FILE"
curl -fsSL "$DIST/$VERSION/SHASUMS256.txt" | grep " $FILE\$" | sha256sum -c -
tar -xJf "$FILE" -C /usr/local --strip-components=1 --no-same-owner
rm "$FILE"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); if (a < 20 || (a === 20 && b < 19)) { console.error("Node " + process.version + " is too old: the course needs 20.19 or newer"); process.exit(1); }'
echo "setup.sh: Node.js $(node --version) (LTS), npm $(npm --version)"
cd "$SOURCE"
npm ci --no-audit --no-fund
`;

const RUN_AUTOGRADER = `#!/usr/bin/env bash
# Gradescope runs this for every submission: it grades <root>/submission and writes
# <root>/results/results.json. The work is done by grader/classroom/run-autograder.mjs.
# AUTOGRADER_ROOT (default /autograder) lets a test run it in a folder laid out the same way.
set -uo pipefail
export AUTOGRADER_ROOT="\${AUTOGRADER_ROOT:-/autograder}"
cd "$AUTOGRADER_ROOT/source"
exec node grader/classroom/run-autograder.mjs
`;

/** The grader's own files a grade needs (its self-tests, benchmarks and tools are left out). */
const GRADER_PARTS = ['harness'];
const CLASSROOM_PARTS = ['files.mjs', 'submission.mjs', 'run-autograder.mjs'];

/**
 * The files of the autograder zip, path -> content; run_autograder and setup.sh are executable.
 * @param {import('../course.mjs').LabInfo} lab
 * @param {{ visibility?: import('../formats.mjs').GradescopeVisibility, fullFeedback?: boolean, countExtensions?: boolean }} [options]
 * @returns {Map<string, { data: Uint8Array, executable?: boolean }>}
 */
export function autograderFiles(lab, options = {}) {
  /** @type {Map<string, { data: Uint8Array, executable?: boolean }>} */
  const files = new Map();
  const add = (/** @type {string} */ path, /** @type {Uint8Array | string} */ data, executable = false) =>
    files.set(path, { data: typeof data === 'string' ? new TextEncoder().encode(data) : data, executable });
  const addTree = (/** @type {string} */ rel) => {
    for (const file of listFiles(join(ROOT, rel))) add(`${rel}/${file}`, readFileSync(join(ROOT, rel, file)));
  };

  add('setup.sh', SETUP_SH, true);
  add('run_autograder', RUN_AUTOGRADER, true);
  for (const name of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.base.json']) {
    add(name, readFileSync(join(ROOT, name)));
  }
  addTree('labs/contracts');
  for (const name of listFiles(join(ROOT, 'grader'), { skip: (rel) => rel.includes('/') })) {
    if (name !== 'selfcheck.mjs' && name !== 'release.json') add(`grader/${name}`, readFileSync(join(ROOT, 'grader', name)));
  }
  for (const part of GRADER_PARTS) addTree(`grader/${part}`);
  addTree(`grader/hidden/${lab.folder}`);
  for (const name of CLASSROOM_PARTS) add(`grader/classroom/${name}`, readFileSync(join(ROOT, 'grader', 'classroom', name)));
  const config = { lab: lab.folder, visibility: options.visibility ?? 'after_due_date', fullFeedback: !!options.fullFeedback, countExtensions: !!options.countExtensions };
  add('grader/classroom/autograder.json', JSON.stringify(config, null, 2) + '\n');
  for (const [rel, content] of starterFiles(lab.folder)) add(`grader/classroom/starter/${lab.folder}/${rel}`, content);
  for (const [rel, content] of openStarterFiles(lab.folder) ?? []) add(`grader/classroom/starter-open/${lab.folder}/${rel}`, content);
  // The reference layers below the lab: a grade runs the student's lab on them.
  for (const lower of LABS.filter((l) => l.number < lab.number)) addTree(`solutions/${lower.folder}`);
  return files;
}

/**
 * Builds the zip. Its bytes depend on the course files only (fixed timestamps), so two builds of
 * the same course compare equal.
 * @param {{ lab: import('../course.mjs').LabInfo, out: string, visibility?: import('../formats.mjs').GradescopeVisibility, fullFeedback?: boolean, countExtensions?: boolean }} options
 */
export function buildAutograder(options) {
  const files = autograderFiles(options.lab, options);
  const mtime = new Date('2020-01-01T00:00:00Z');
  /** @type {import('fflate').Zippable} */
  const tree = {};
  for (const [path, { data, executable }] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    tree[path] = [data, { os: 3, attrs: (executable ? 0o100755 : 0o100644) << 16, mtime }];
  }
  const zip = zipSync(tree, { level: 9, mtime });
  mkdirSync(dirname(resolve(options.out)), { recursive: true });
  writeFileSync(options.out, zip);
  return { files: files.size, bytes: zip.length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const program = new Command()
    .name('npm run autograder --')
    .argument('<lab>', 'the lab: lab3, 3 or gateway')
    .requiredOption('--out <file>', 'where to write the zip, e.g. lab3-autograder.zip')
    .addOption(
      new Option('--visibility <when>', "when students see each hidden test's row (its points; never its details)")
        .choices(['after_due_date', 'after_published', 'visible', 'hidden'])
        .default('after_due_date'),
    )
    .option('--full-feedback', "show students each failure's message, expected and actual values (hidden tests no more)")
    .option('--count-extensions', "count the lab's optional extension milestones in the score (apart and not counted by default)")
    .parse();
  const lab = findLab(program.args[0] ?? '');
  if (!lab || !isPresent(lab)) {
    console.error(`autograder: no lab "${program.args[0]}". Labs: ${LABS.map((l) => `lab${l.number}`).join(', ')}`);
    process.exit(2);
  }
  const options = program.opts();
  const { files, bytes } = buildAutograder({ lab, out: options.out, visibility: options.visibility, fullFeedback: !!options.fullFeedback, countExtensions: !!options.countExtensions });
  console.log(`wrote ${options.out}: Gradescope autograder for lab ${lab.number} (${lab.title}), ${files} files, ${(bytes / 1024).toFixed(0)} KiB`);
  console.log('Upload it as the assignment\'s autograder ("Zip file upload", Ubuntu base image).');
}
