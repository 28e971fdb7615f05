import assert from "node:assert/strict";
import {
  experimentFields,
  experimentFileDocs,
  pluginFields,
} from "../core/config/experiment_docs.ts";
import { builtinRegistry } from "../plugins/mod.ts";

Deno.test("the committed docs/experiment-file.md is up to date (run `deno task schema`)", async () => {
  const committed = await Deno.readTextFile(
    new URL("../docs/experiment-file.md", import.meta.url),
  );
  assert.equal(committed, experimentFileDocs(builtinRegistry()));
});

Deno.test("every experiment-file field and every built-in plugin option has a description", () => {
  const fields = experimentFields();
  for (
    const path of [
      "segmenter.training.augment.rotation",
      "grid.sampleSizes",
      "priors.<name>.postprocess",
    ]
  ) {
    assert.ok(fields.some((f) => f.path === path), `${path} is documented`);
  }
  const missing = fields.filter((f) => !f.description).map((f) => f.path);
  for (const plugin of builtinRegistry().list()) {
    for (const field of pluginFields(plugin)) {
      if (!field.description) missing.push(`${plugin.kind} ${plugin.name}: ${field.path}`);
    }
  }
  assert.deepEqual(missing, []);
});

Deno.test("the docs show types, defaults and ranges, and escape table characters", () => {
  const docs = experimentFileDocs(builtinRegistry());
  assert.match(
    docs,
    /^\| `segmenter\.training\.epochs` \| integer \| `20` \| 1 to 10000 \| most epochs/m,
  );
  assert.match(docs, /^\| `split\.mode` \| "random" \\\| "predefined" \| `"random"` \|/m);
  assert.match(docs, /^#### `mode-filter` \(v1\)$/m);
  assert.match(docs, /^\| `size` \| integer \| `12` \| 1 to 64 \| box size as Pillow takes it/m);
});
