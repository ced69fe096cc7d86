// @ts-check
// A student's submission, as the autograder and the batch grader see it: find the lab in it
// (the whole repository, the lab folder alone, or the lab's files at the top), take the lab's own
// files and nothing else, and say what was left out. Changes to tests, the grader, package.json,
// the contracts or other labs never reach a grade: the course's own copies are used.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join, posix, relative, sep } from 'node:path';
import { LABS, ROOT } from '../course.mjs';
import { listTree, sameFile, writeFiles } from './files.mjs';

/** A learner's file bigger than this is not source code. */
const MAX_FILE_BYTES = 1 << 20;
/** A lab folder with more files than this is not a lab folder. */
const MAX_LAB_FILES = 400;

/**
 * @typedef {object} Ignored
 * @property {string} path     relative to the submission
 * @property {string} [inCourse]  the same file's place in the course, when the submission holds one
 * @property {'changed' | 'course' | 'other-lab' | 'test' | 'elsewhere' | 'too-big' | 'link'} kind
 *   changed: a course file (package.json, tsconfig, the grader, the contracts) that differs from the
 *   course's; course: a course-owned path the grading copy does not have (a new file in grader/,
 *   reference/); other-lab, elsewhere: the rest of a repository; test: the lab's own test files
 *
 * @typedef {object} SubmissionPlan
 * @property {string} dir            the submission folder
 * @property {string | null} labPath  where the lab folder is inside it, `` for the submission itself; null: not found
 * @property {string[]} take         files of the lab folder that are graded, relative to it
 * @property {Ignored[]} ignored
 * @property {string} [oddLayout]    the lab was found, but not where a submission usually has it: what to tell the instructor
 * @property {string[]} [otherCopies]  other folders that look like the lab (not graded)
 * @property {'guided' | 'open'} [level]  the level the student took the lab at (see submissionLevel)
 */

const isTest = (/** @type {string} */ rel) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(rel);

/** Files that belong to the course, never to a submission, whatever their content. */
const COURSE_FILE = /^(package\.json|package-lock\.json|tsconfig[^/]*\.json|vitest\.config\.[^/]+|\.gitattributes|grader\/|labs\/contracts\/|solutions\/|reference\/)/;

/**
 * Files a students' release writes for itself (release.mjs): its README with a section of its own,
 * what the copy holds, the GitHub Classroom workflow, the reference of past labs, the guided
 * starters (for npm run start) and the level each lab is taken at. They differ from
 * the course's by design and no grade reads them: a submission made from the release says nothing
 * about them. (package.json is compared for what matters: releasedPackageMatches.)
 */
const RELEASE_FILE = /^(README\.md|grader\/release\.json|grader\/starters\/guided\/|\.github\/|reference\/|labs\/levels\.json)/;

/** `npm test` in a students' release: its self-check of the labs against their visible examples. */
export const RELEASE_TEST_SCRIPT = 'node grader/tools/check.mjs';

/**
 * True when a submission's package.json is the course's as a release writes it (releasePackage):
 * the same in everything but the imports map, whose lab entries point at labs/ (or at reference/
 * for a lab whose reference shipped), and the scripts, of which a release keeps those whose
 * programs it ships and makes `test` its own self-check. Any other change (a script that prints
 * 100%, another dependency) is a change to the course's file, and is reported.
 * @param {Buffer} submitted
 * @param {Buffer} course
 */
export function releasedPackageMatches(submitted, course) {
  let mine;
  let theirs;
  try {
    mine = JSON.parse(submitted.toString('utf8'));
    theirs = JSON.parse(course.toString('utf8'));
  } catch {
    return false;
  }
  if (!mine || typeof mine !== 'object' || !theirs || typeof theirs !== 'object') return false;
  const { imports: myImports = {}, scripts: myScripts = {}, ...myRest } = mine;
  const { imports: courseImports = {}, scripts: courseScripts = {}, ...courseRest } = theirs;
  if (JSON.stringify(sortKeys(myRest)) !== JSON.stringify(sortKeys(courseRest))) return false;
  if (JSON.stringify(Object.keys(myImports).sort()) !== JSON.stringify(Object.keys(courseImports).sort())) return false;
  for (const [key, value] of Object.entries(myImports)) {
    const lab = LABS.find((l) => key === `#${l.slug}`);
    const same = JSON.stringify(value) === JSON.stringify(courseImports[key]);
    const own = `./labs/${lab?.folder}/index.ts`;
    const reference = `./reference/${lab?.folder}/index.ts`;
    const released =
      lab !== undefined &&
      (value === own || JSON.stringify(value) === JSON.stringify({ reference, [`reference-${lab.slug}`]: reference, default: own }));
    if (!same && !released) return false;
  }
  for (const [name, command] of Object.entries(myScripts)) {
    if (command !== courseScripts[name] && !(name === 'test' && command === RELEASE_TEST_SCRIPT)) return false;
  }
  return true;
}

/** @param {unknown} value @returns {unknown} */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(/** @type {Record<string, unknown>} */ (value)[key])]));
  }
  return value;
}

/**
 * Finds the lab in a submission and sorts its files into graded and ignored.
 * @param {string} dir   the submission folder
 * @param {import('../course.mjs').LabInfo} lab
 * @param {{ courseRoot?: string, starter?: Map<string, Buffer>, openStarter?: Map<string, Buffer> }} [options]
 *   courseRoot: the course copy to compare the other files with (unchanged ones are not listed);
 *   starter: the lab's (guided) starter files, to recognise a lab folder by its contents and to
 *   tell a changed example test from an untouched one; openStarter: its open starter, if it has one
 * @returns {SubmissionPlan}
 */
export function planSubmission(dir, lab, options = {}) {
  const courseRoot = options.courseRoot ?? ROOT;
  const { files, links } = listTree(dir);
  const starter = options.starter ?? new Map();
  const labPath = locateLab(files, lab, [...starter.keys()]);
  /** @type {Ignored[]} */
  const ignored = links.map((path) => ({ path, kind: /** @type {const} */ ('link') }));
  if (labPath === null) return { dir, labPath, take: [], ignored };

  const prefix = labPath === '' ? '' : `${labPath}/`;
  // The course folder the submission holds: the repository around labs/<lab>, if that is the layout.
  const base = labPath.endsWith(`labs/${lab.folder}`) ? labPath.slice(0, -`labs/${lab.folder}`.length) : null;
  /** @type {string[]} */
  const take = [];
  for (const path of files) {
    if (path.startsWith(prefix)) {
      const rel = path.slice(prefix.length);
      if (isTest(rel)) {
        // The lab's own example tests are not run by the grader: only a changed one is worth a word.
        const shipped = starter.get(rel);
        if (!shipped || !shipped.equals(readFileSync(join(dir, path)))) ignored.push({ path, kind: 'test' });
      } else if (statSync(join(dir, path)).size > MAX_FILE_BYTES) {
        ignored.push({ path, kind: 'too-big' });
      } else take.push(rel);
      continue;
    }
    const inCourse = base !== null && path.startsWith(base) ? path.slice(base.length) : base === null ? path : null;
    if (inCourse === null) {
      ignored.push({ path, kind: 'elsewhere' });
      continue;
    }
    if (existsSync(join(courseRoot, inCourse)) && sameFile(join(dir, path), join(courseRoot, inCourse))) continue;
    if (RELEASE_FILE.test(inCourse)) continue;
    if (inCourse === 'package.json' && existsSync(join(courseRoot, inCourse)) && releasedPackageMatches(readFileSync(join(dir, path)), readFileSync(join(courseRoot, inCourse)))) continue;
    const other = LABS.find((l) => l !== lab && inCourse.startsWith(`labs/${l.folder}/`));
    if (other) ignored.push({ path, inCourse, kind: 'other-lab' });
    else if (!COURSE_FILE.test(inCourse)) ignored.push({ path, inCourse, kind: 'elsewhere' });
    else if (existsSync(join(courseRoot, inCourse))) ignored.push({ path, inCourse, kind: 'changed' });
    else ignored.push({ path, inCourse, kind: 'course' });
  }
  if (take.length > MAX_LAB_FILES) {
    return { dir, labPath: null, take: [], ignored: [...ignored, { path: `${prefix}(${take.length} files)`, kind: 'too-big' }] };
  }
  const levels = base !== null && files.includes(`${base}labs/levels.json`) ? join(dir, `${base}labs/levels.json`) : null;
  const level = submissionLevel(levels, take, lab, starter, options.openStarter);
  return { dir, labPath, take, ignored, level, ...layoutNotes(files, lab, labPath) };
}

/**
 * The level a submission took the lab at: what its labs/levels.json says (npm run start writes it),
 * else open when the lab folder lacks most of the guided starter's source files (a zip of an open
 * lab has index.ts and files of the student's own design), else guided. Only a course with an open
 * starter for the lab answers open.
 * @param {string | null} levelsFile
 * @param {string[]} take
 * @param {import('../course.mjs').LabInfo} lab
 * @param {Map<string, Buffer>} starter
 * @param {Map<string, Buffer> | undefined} openStarter
 * @returns {'guided' | 'open'}
 */
export function submissionLevel(levelsFile, take, lab, starter, openStarter) {
  if (!openStarter) return 'guided';
  if (levelsFile) {
    try {
      const recorded = JSON.parse(readFileSync(levelsFile, 'utf8'))?.[lab.folder];
      if (recorded === 'open' || recorded === 'guided') return recorded;
    } catch {
      // A damaged record says nothing: the files decide.
    }
  }
  const guidedOnly = [...starter.keys()].filter((rel) => rel.endsWith('.ts') && !isTest(rel) && !openStarter.has(rel));
  if (guidedOnly.length === 0) return 'guided';
  const present = guidedOnly.filter((rel) => take.includes(rel)).length;
  return present * 2 < guidedOnly.length ? 'open' : 'guided';
}

/**
 * Where a submission usually holds the lab: its files at the top, the lab folder at the top, or a
 * repository with labs/<lab>, perhaps in the one folder a zip of it has at its top. Anything else
 * was graded all the same, and the instructor is told where it was found; so are other folders
 * that look like the lab (a copy, an old version), which were not graded.
 * @param {string[]} files
 * @param {import('../course.mjs').LabInfo} lab
 * @param {string} labPath
 * @returns {{ oddLayout?: string, otherCopies?: string[] }}
 */
function layoutNotes(files, lab, labPath) {
  const tops = new Set(files.map((f) => f.split('/')[0]));
  const wrapper = tops.size === 1 && files.every((f) => f.includes('/')) ? `${[...tops][0]}/` : '';
  const usual = ['', lab.folder, `labs/${lab.folder}`, `${wrapper}labs/${lab.folder}`, `${wrapper}${lab.folder}`];
  /** @type {{ oddLayout?: string, otherCopies?: string[] }} */
  const notes = {};
  if (!usual.includes(labPath)) {
    notes.oddLayout = `the lab was found in ${labPath}/, not at the top of the submission nor in labs/${lab.folder}/`;
  }
  const dirOf = (/** @type {string} */ f) => (posix.dirname(f) === '.' ? '' : posix.dirname(f));
  const copies = [...new Set(files.filter((f) => f.endsWith('/index.ts')).map(dirOf))].filter(
    (d) => d !== labPath && (posix.basename(d) === lab.folder) && !d.startsWith(`${labPath}/`),
  );
  if (copies.length > 0) notes.otherCopies = copies;
  return notes;
}

/**
 * Where the lab folder is: `labs/<lab>` anywhere (a repository, perhaps inside a zip's top
 * folder), else a folder named after the lab, else the folder (the submission itself first)
 * holding an index.ts and most of the starter's file names (or the submission's top holding an index.ts).
 * @param {string[]} files
 * @param {import('../course.mjs').LabInfo} lab
 * @param {string[]} starterNames
 * @returns {string | null}
 */
export function locateLab(files, lab, starterNames) {
  const dirOf = (/** @type {string} */ f) => (posix.dirname(f) === '.' ? '' : posix.dirname(f));
  const shortest = (/** @type {string[]} */ list) => list.sort((a, b) => a.length - b.length || a.localeCompare(b))[0] ?? null;
  // A folder named after the lab counts with any .ts file in it (index.ts may be the one missing).
  const withTs = [...new Set(files.filter((f) => f.endsWith('.ts')).map(dirOf))];
  const inRepo = withTs.filter((d) => d === `labs/${lab.folder}` || d.endsWith(`/labs/${lab.folder}`));
  if (inRepo.length > 0) return shortest(inRepo);
  const named = withTs.filter((d) => posix.basename(d) === lab.folder);
  if (named.length > 0) return shortest(named);
  const folders = files.filter((f) => f === 'index.ts' || f.endsWith('/index.ts')).map(dirOf);
  const otherLab = (/** @type {string} */ d) => LABS.some((l) => l !== lab && (posix.basename(d) === l.folder || d.includes(`labs/${l.folder}`)));
  const wanted = starterNames.filter((n) => n.endsWith('.ts') && !isTest(n) && !n.includes('/'));
  const overlap = (/** @type {string} */ d) => wanted.filter((n) => files.includes(d === '' ? n : `${d}/${n}`)).length;
  // The submission's own top with an index.ts counts too: an open lab has few of the guided names.
  const candidates = folders.filter((d) => !otherLab(d) && (wanted.length === 0 || d === '' || overlap(d) * 2 >= wanted.length));
  if (candidates.length === 0) return null;
  return candidates.sort((a, b) => overlap(b) - overlap(a) || a.length - b.length)[0] ?? null;
}

/**
 * Writes the lab to grade into `dest`: the starter first, then the submission's lab files over
 * it, so a file the student left out is the starter's (its tests fail with its TODO message
 * instead of the whole lab failing to load).
 * @param {SubmissionPlan} plan
 * @param {string} dest
 * @param {Map<string, Buffer>} starter
 * @returns {{ filled: string[] }} the starter files the submission lacked
 */
export function stageSubmission(plan, dest, starter) {
  rmSync(dest, { recursive: true, force: true });
  writeFiles(dest, starter);
  const prefix = plan.labPath ? `${plan.labPath}/` : '';
  /** @type {Map<string, Buffer>} */
  const taken = new Map(plan.take.map((rel) => [rel, readFileSync(join(plan.dir, prefix + rel))]));
  writeFiles(dest, taken);
  const filled = [...starter.keys()].filter((rel) => !taken.has(rel) && !isTest(rel) && rel !== 'README.md');
  return { filled };
}

/**
 * What a student reads about their submission above the report: what was graded, and what was
 * left out and why.
 * @param {SubmissionPlan} plan
 * @param {import('../course.mjs').LabInfo} lab
 * @param {string[]} filled
 */
export function describeSubmission(plan, lab, filled = []) {
  const lines = [];
  if (plan.labPath === null) {
    lines.push(
      `No lab ${lab.number} found in the submission: it should hold labs/${lab.folder}/ (the whole ` +
        `repository), the ${lab.folder}/ folder, or that folder's files (index.ts and the rest) at the top.`,
    );
  } else {
    const where = plan.labPath === '' ? 'the top of your submission' : `${plan.labPath}/`;
    lines.push(`Graded: labs/${lab.folder}, ${plan.take.length} ${plan.take.length === 1 ? 'file' : 'files'} from ${where}.`);
  }
  if (plan.oddLayout) lines.push(`Note: ${plan.oddLayout}.`);
  if (plan.otherCopies?.length) lines.push(`Not graded, other copies of the lab: ${cap(plan.otherCopies.map((d) => `${d}/`)).join(', ')}.`);
  if (plan.level === 'open') lines.push('Taken at the open level: your own design behind index.ts.');
  if (filled.length > 0) {
    lines.push(`Not in your submission, so the starter's was used: ${filled.join(', ')}.`);
  }
  const of = (/** @type {Ignored['kind']} */ kind) => plan.ignored.filter((i) => i.kind === kind).map((i) => i.path);
  const changed = of('changed');
  if (changed.length > 0) {
    lines.push("Ignored: changes to the course's own files (the grader uses its own copies):");
    lines.push(...cap(changed).map((p) => `  ${p}`));
  }
  const course = plan.ignored.filter((i) => i.kind === 'course').map((i) => i.inCourse ?? i.path);
  if (course.length > 0) lines.push(`Ignored: course files the grader does not use: ${summarise(course).join(', ')}.`);
  const tests = of('test');
  if (tests.length > 0) lines.push(`Not run: your test files (the hidden tests grade the lab): ${cap(tests).join(', ')}.`);
  const big = of('too-big');
  if (big.length > 0) lines.push(`Ignored, too big to be source code: ${cap(big).join(', ')}.`);
  const links = of('link');
  if (links.length > 0) lines.push(`Ignored, symbolic links: ${cap(links).join(', ')}.`);
  const groups = plan.ignored.filter((i) => i.kind === 'other-lab' || i.kind === 'elsewhere').map((i) => i.inCourse ?? i.path);
  if (groups.length > 0) {
    lines.push(`Not part of lab ${lab.number}, not graded here: ${summarise(groups).join(', ')}.`);
  }
  return lines.join('\n');
}

/** Paths grouped by their first two folders: `labs/lab1-http/ (9 files)`. */
function summarise(/** @type {string[]} */ paths) {
  /** @type {Map<string, number>} */
  const groups = new Map();
  for (const path of paths) {
    const parts = path.split('/');
    const key = parts.length === 1 ? path : parts[0] === 'labs' && parts.length > 2 ? `labs/${parts[1]}/` : `${parts[0]}/`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([key, n]) => (key.endsWith('/') ? `${key} (${n} ${n === 1 ? 'file' : 'files'})` : key));
}

function cap(/** @type {string[]} */ list, max = 20) {
  return list.length <= max ? list : [...list.slice(0, max), `… and ${list.length - max} more`];
}

/**
 * A result graded from a scratch copy, told as if graded from labs/<lab>: the student's feedback
 * names their own paths, not the grader's scratch folder.
 * @template {import('../report.mjs').GradeResult & { typeErrors?: import('../formats.mjs').TypeErrorInfo[] }} R
 * @param {R} result
 * @param {string} stagedDir  absolute path of the scratch copy
 * @param {string} [label]    what to call it instead
 * @returns {R}
 */
export function relabel(result, stagedDir, label = `labs/${basename(stagedDir)}`) {
  const from = relative(ROOT, stagedDir).split(sep).join('/');
  if (from === label) return result;
  const fix = (/** @type {string | undefined} */ text) => (text === undefined ? undefined : text.split(from).join(label).split(stagedDir).join(label));
  return {
    ...result,
    target: fix(result.target) ?? label,
    tests: result.tests.map((t) => {
      const copy = { ...t };
      for (const key of /** @type {const} */ (['message', 'expected', 'actual', 'location', 'output'])) {
        if (copy[key] !== undefined) copy[key] = fix(copy[key]);
      }
      return copy;
    }),
    ...(result.typeErrors ? { typeErrors: result.typeErrors.map((e) => ({ ...e, file: fix(e.file) ?? e.file })) } : {}),
    problems: result.problems.map((p) => ({
      ...p,
      message: fix(p.message) ?? p.message,
      ...(p.location !== undefined ? { location: fix(p.location) } : {}),
      ...(p.frame !== undefined ? { frame: fix(p.frame) } : {}),
    })),
  };
}
