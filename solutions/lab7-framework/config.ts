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
    for (const [key, value] of Object.entries(source)) {
      if (key === key.toUpperCase()) this.#values.set(key, value);
    }
  }

  fromEnv(prefix = 'APP_', env: Record<string, string | undefined> = process.env): void {
    for (const [name, raw] of Object.entries(env)) {
      if (!name.startsWith(prefix) || raw === undefined) continue;
      this.#values.set(name.slice(prefix.length), parseValue(raw));
    }
  }
}

/** `true` -> true, `42` -> 42, `["a"]` -> ['a']; anything that isn't JSON stays a string. */
function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
