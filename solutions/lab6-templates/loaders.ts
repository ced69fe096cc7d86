import { readFileSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { TemplateError, type Loader } from '#contracts/templates';

/** Templates from a folder: `layout.html`, `posts/list.html`. Names can't climb out of it. */
export class FileSystemLoader implements Loader {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  getSource(name: string): string {
    const path = normalize(name);
    if (isAbsolute(path) || path === '..' || path.startsWith(`..${sep}`)) {
      throw new TemplateError('a template name may not leave the template folder', name);
    }
    try {
      return readFileSync(join(this.#root, path), 'utf8');
    } catch {
      throw new TemplateError(`template not found in ${this.#root}`, name);
    }
  }
}

/** Templates from an object, name to source: handy in tests and small programs. */
export class DictLoader implements Loader {
  readonly #templates: Record<string, string>;

  constructor(templates: Record<string, string>) {
    this.#templates = templates;
  }

  getSource(name: string): string {
    // Own keys only: `toString` or `constructor` are no templates, though every object has them.
    if (!Object.hasOwn(this.#templates, name)) throw new TemplateError('template not found', name);
    return this.#templates[name]!;
  }
}
