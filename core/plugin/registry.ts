/**
 * The plugin registry: holds plugins by kind and name, loads third-party plugin
 * modules, and validates plugin options with each plugin's own schema.
 *
 * @module
 */
import { pathToFileURL } from "node:url";
import { isAbsolute, resolve } from "node:path";
import { ConfigError } from "../util/errors.ts";
import { type AnyPlugin, type Plugin, PLUGIN_KINDS, type PluginKind } from "./plugin.ts";
import { formatZodIssues } from "../util/zod_format.ts";
import { didYouMean } from "../util/suggest.ts";

/** Plugins by kind and name. */
export class Registry {
  #plugins = new Map<PluginKind, Map<string, AnyPlugin>>();

  constructor(plugins: Iterable<AnyPlugin> = []) {
    for (const kind of PLUGIN_KINDS) this.#plugins.set(kind, new Map());
    for (const plugin of plugins) this.register(plugin);
  }

  /** Adds a plugin; throws if its kind is unknown or its name is taken. */
  register(plugin: AnyPlugin): void {
    assertPluginShape(plugin, "plugin");
    const byName = this.#plugins.get(plugin.kind)!;
    if (byName.has(plugin.name)) {
      throw new ConfigError(
        `duplicate ${plugin.kind} plugin "${plugin.name}": a plugin of that kind and name ` +
          `is already registered; rename one of them`,
      );
    }
    byName.set(plugin.name, plugin);
  }

  /** Whether a plugin of that kind and name is registered. */
  has(kind: PluginKind, name: string): boolean {
    return this.#plugins.get(kind)!.has(name);
  }

  /** The plugin of that kind and name; a clear error listing the known names otherwise. */
  get<K extends PluginKind>(kind: K, name: string): Plugin<K> {
    const plugin = this.#plugins.get(kind)!.get(name);
    if (!plugin) {
      const names = [...this.#plugins.get(kind)!.keys()].sort();
      const hint = didYouMean(name, names).replace(/^ \((.*)\)$/, "$1 ");
      throw new ConfigError(
        `unknown ${kind} plugin "${name}" (${hint}registered: ${names.join(", ") || "none"})`,
      );
    }
    return plugin as unknown as Plugin<K>;
  }

  /** All plugins, optionally of one kind, sorted by kind then name. */
  list(kind?: PluginKind): AnyPlugin[] {
    const kinds = kind ? [kind] : PLUGIN_KINDS;
    return kinds.flatMap((k) =>
      [...this.#plugins.get(k)!.values()].sort((a, b) => a.name.localeCompare(b.name))
    );
  }

  /**
   * Validates options with the plugin's schema, filling defaults.
   * `where` prefixes error paths, e.g. `classifier.options`.
   */
  parseOptions<K extends PluginKind>(
    kind: K,
    name: string,
    options: unknown,
    where: string,
  ): unknown {
    const plugin = this.get(kind, name);
    const result = plugin.options.safeParse(options ?? {}, { reportInput: true });
    if (!result.success) {
      throw new ConfigError(formatZodIssues(result.error.issues, where, plugin.options));
    }
    return result.data;
  }

  /**
   * Imports plugin modules by path or URL and registers what they export: the default
   * export and any named exports that are plugins or arrays of plugins.
   * Relative paths resolve against `baseDir` (the experiment file's folder).
   */
  async loadModules(specifiers: readonly string[], baseDir: string): Promise<AnyPlugin[]> {
    const loaded: AnyPlugin[] = [];
    for (const specifier of specifiers) {
      const url = moduleUrl(specifier, baseDir);
      let module: Record<string, unknown>;
      try {
        module = await import(url);
      } catch (error) {
        throw new ConfigError(
          `plugins: cannot load "${specifier}" (${url}): ${(error as Error).message}`,
          { cause: error },
        );
      }
      const found = pluginsExportedBy(module, specifier);
      if (found.length === 0) {
        throw new ConfigError(
          `plugins: "${specifier}" exports no plugin (expected a default export ` +
            `{ kind, name, description, version, options, create })`,
        );
      }
      for (const plugin of found) this.register(plugin);
      loaded.push(...found);
    }
    return loaded;
  }
}

function moduleUrl(specifier: string, baseDir: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return specifier;
  const path = isAbsolute(specifier) ? specifier : resolve(baseDir, specifier);
  return pathToFileURL(path).href;
}

function pluginsExportedBy(module: Record<string, unknown>, specifier: string): AnyPlugin[] {
  const candidates = Object.values(module).flatMap((value) =>
    Array.isArray(value) ? value : [value]
  );
  const plugins = candidates.filter(looksLikePlugin);
  plugins.forEach((p) => assertPluginShape(p, `plugins: "${specifier}"`));
  return [...new Set(plugins)];
}

function looksLikePlugin(value: unknown): value is AnyPlugin {
  return typeof value === "object" && value !== null && "kind" in value &&
    "create" in value;
}

function assertPluginShape(plugin: AnyPlugin, where: string): void {
  const p = plugin as unknown as Record<string, unknown>;
  const problems: string[] = [];
  if (!(PLUGIN_KINDS as readonly unknown[]).includes(p.kind)) {
    problems.push(`kind must be one of ${PLUGIN_KINDS.join(", ")}, got ${JSON.stringify(p.kind)}`);
  }
  if (typeof p.name !== "string" || !/^[A-Za-z0-9][\w.+-]*$/.test(p.name)) {
    problems.push(`name must be a non-empty identifier, got ${JSON.stringify(p.name)}`);
  }
  if (typeof p.description !== "string") problems.push("description must be a string");
  if (typeof p.version !== "string") problems.push("version must be a string");
  const options = p.options as { safeParse?: unknown } | undefined;
  if (typeof options?.safeParse !== "function") problems.push("options must be a zod schema");
  if (typeof p.create !== "function") problems.push("create must be a function");
  if (problems.length > 0) {
    throw new ConfigError(`${where}: invalid plugin ${String(p.name)}: ${problems.join("; ")}`);
  }
}
