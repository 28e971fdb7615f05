/**
 * The architecture, checked on the import graph of the shipped code (`mod.ts`, `cli.ts`,
 * `core/`, `plugins/`; type-only imports count too): no import cycles, `core/` never
 * imports `plugins/`, and built-in plugins import camprior only through the plugin kit
 * (`mod.ts`), besides files of their own kind's folder.
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { builtinPlugins } from "../plugins/mod.ts";

const ROOT = normalize(join(dirname(new URL(import.meta.url).pathname), ".."));

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

const SPECIFIER =
  /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^"';]*?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** Specifiers a file imports or re-exports (comments removed first). */
export function specifiersOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  return [...code.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2]);
}

/** Repository-relative file → the repository-relative files it imports. */
async function importGraph(): Promise<Map<string, string[]>> {
  const files = ["mod.ts", "cli.ts"];
  for (const dir of ["core", "plugins"]) {
    for await (const file of sourceFiles(dir)) files.push(file);
  }
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = await Deno.readTextFile(join(ROOT, file));
    const local = specifiersOf(source).filter((s) => s.startsWith("."));
    graph.set(file, local.map((s) => normalize(join(dirname(file), s))));
  }
  return graph;
}

/** One import cycle as a path `a → b → … → a`, or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === "done") return undefined;
    if (state.get(file) === "open") return [...stack.slice(stack.indexOf(file)), file];
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(file, "done");
    return undefined;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Whether a plugin file may import `target`: the kit, or a file of its own kind's folder. */
function pluginMayImport(file: string, target: string): boolean {
  if (target === "mod.ts") return true;
  const [, kind] = file.split("/");
  if (file === "plugins/mod.ts") return /^plugins\/[^/]+\/mod\.ts$/.test(target);
  return target.startsWith(`plugins/${kind}/`);
}

Deno.test("import graph: the parser finds static, re-exported, type-only and dynamic imports", () => {
  const source = `import a from "./a.ts";
import type { B } from "../b.ts";
export { c } from "./c.ts";
export * from "./d.ts";
import "./e.ts";
// import { f } from "./commented.ts";
/* import { g } from "./block.ts"; */
const h = await import("./h.ts");
import {
  i,
  type J,
} from "npm:zod";`;
  assert.deepEqual(specifiersOf(source), [
    "./a.ts",
    "../b.ts",
    "./c.ts",
    "./d.ts",
    "./e.ts",
    "./h.ts",
    "npm:zod",
  ]);
});

Deno.test("import graph: no import cycles", async () => {
  const cycle = findCycle(await importGraph());
  assert.equal(cycle, undefined, `import cycle: ${cycle?.join(" → ")}`);
});

Deno.test("import graph: core/ never imports plugins/ or the kit", async () => {
  const bad = [...await importGraph()].flatMap(([file, targets]) =>
    file.startsWith("core/")
      ? targets.filter((t) => t.startsWith("plugins/") || t === "mod.ts").map((t) =>
        `${file} → ${t}`
      )
      : []
  );
  assert.deepEqual(bad, []);
});

Deno.test("import graph: built-in plugins import camprior only through the plugin kit", async () => {
  const bad = [...await importGraph()].flatMap(([file, targets]) =>
    file.startsWith("plugins/")
      ? targets.filter((t) => !pluginMayImport(file, t)).map((t) => `${file} → ${t}`)
      : []
  );
  assert.deepEqual(bad, []);
  assert.ok(pluginMayImport("plugins/xai/gradcam.ts", "mod.ts"));
  assert.ok(!pluginMayImport("plugins/xai/gradcam.ts", "core/xai/cam_base.ts"));
  assert.ok(!pluginMayImport("plugins/xai/gradcam.ts", "plugins/backend/wasm/kernels.ts"));
});

Deno.test("import graph: every plugin a built-in plugin file exports is listed in its kind's mod.ts", async () => {
  const listed = new Set(builtinPlugins);
  const missing: string[] = [];
  for await (const file of sourceFiles("plugins")) {
    const [, kind, ...rest] = file.split("/");
    if (rest.length !== 1 || rest[0] === "mod.ts") continue;
    const module = await import(join(ROOT, file));
    for (const [name, value] of Object.entries(module)) {
      const plugin = value as { kind?: unknown; create?: unknown };
      if (typeof plugin?.create !== "function" || plugin.kind === undefined) continue;
      assert.equal(plugin.kind, kind, `${file}: ${name} is a ${plugin.kind} plugin`);
      if (!listed.has(value as never)) missing.push(`${relative("plugins", file)}: ${name}`);
    }
  }
  assert.deepEqual(missing, []);
});
