import assert from "node:assert/strict";
import { closest, didYouMean, editDistance } from "../core/util/suggest.ts";

Deno.test("editDistance counts insertions, deletions and substitutions", () => {
  assert.equal(editDistance("plan", "plan"), 0);
  assert.equal(editDistance("pln", "plan"), 1);
  assert.equal(editDistance("gradcma", "gradcam"), 2);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("Backend", "backend"), 0);
});

Deno.test("closest suggests likely typos and nothing for unrelated words", () => {
  const commands = ["run", "plan", "status", "step", "plugins", "schema"];
  assert.equal(closest("pln", commands), "plan");
  assert.equal(closest("stauts", commands), "status");
  assert.equal(closest("plugin", commands), "plugins");
  assert.equal(closest("frobnicate", commands), undefined);
  assert.equal(closest("x", []), undefined);
});

Deno.test("didYouMean formats a hint or nothing", () => {
  assert.equal(didYouMean("bakend", ["backend", "out"]), ' (did you mean "backend"?)');
  assert.equal(didYouMean("zzz", ["backend", "out"]), "");
});
