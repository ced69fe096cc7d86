import type { ConfigApi } from '#contracts/framework';

/** Settings by UPPERCASE key, filled from objects and the environment, as Flask's app.config. */
export class Config implements ConfigApi {
  readonly #values = new Map<string, unknown>();

  /** The app's defaults, taken as they are (Flask's Config(defaults) does the same). */
  constructor(initial: Record<string, unknown> = {}) {
    for (const [key, value] of Object.entries(initial)) this.#values.set(key, value);
  }

  get(key: string): unknown {
    return this.#values.get(key);
  }

  set(key: string, value: unknown): void {
    this.#values.set(key, value);
  }

  fromObject(source: Record<string, unknown>): void {
    // TODO(lab7): Copy each key of source that is all UPPERCASE (key === key.toUpperCase()).
    throw new Error('TODO(lab7): Config.fromObject is not written yet (lessons/07-framework.md#configuration)');
  }

  fromEnv(prefix = 'APP_', env: Record<string, string | undefined> = process.env): void {
    // TODO(lab7): For each variable whose name starts with prefix (and has a value), set the name
    // without the prefix to parseValue(value).
    throw new Error('TODO(lab7): Config.fromEnv is not written yet (lessons/07-framework.md#configuration)');
  }
}

/** `true` -> true, `42` -> 42, `["a"]` -> ['a']; anything that isn't JSON stays a string. */
function parseValue(raw: string): unknown {
  // TODO(lab7): JSON.parse the text; if that throws, the text itself.
  throw new Error('TODO(lab7): parseValue is not written yet (lessons/07-framework.md#configuration)');
}
