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
    // TODO(lab6): refuse (TemplateError) a name that is absolute or climbs out of the folder with
    // ..; read the file as UTF-8; a file that can't be read is a TemplateError naming the template.
    throw new Error('TODO(lab6): FileSystemLoader.getSource is not written yet (lessons/06-templates.md#loaders-and-the-cache)');
  }
}

/** Templates from an object, name to source: handy in tests and small programs. */
export class DictLoader implements Loader {
  readonly #templates: Record<string, string>;

  constructor(templates: Record<string, string>) {
    this.#templates = templates;
  }

  getSource(name: string): string {
    // TODO(lab6): the source stored under the name (the object's own keys only: `toString` is no
    // template); none: a TemplateError naming the template.
    throw new Error('TODO(lab6): DictLoader.getSource is not written yet (lessons/06-templates.md#loaders-and-the-cache)');
  }
}
