import assert from "node:assert/strict";
import { parseRecipe, parseShorthand, priorsOf, recipeName } from "../core/config/channels.ts";

Deno.test("shorthand gives n image copies plus named priors", () => {
  assert.deepEqual(parseShorthand("1Ch").channels, ["image"]);
  assert.deepEqual(parseShorthand("3Ch+CAM*").channels, ["image", "image", "image", "CAM*"]);
  assert.deepEqual(parseShorthand("4Ch").channels, ["image", "image", "image", "image"]);
  assert.deepEqual(parseShorthand("1Ch+CAM+POP").channels, ["image", "CAM", "POP"]);
  assert.equal(parseShorthand(" 2Ch ").name, "2Ch");
});

Deno.test("shorthand rejects malformed recipes with the expected form", () => {
  for (const bad of ["Ch", "3Chx", "3Ch+", "0Ch", "17Ch", "3Ch+CAM++X", "CAM"]) {
    assert.throws(() => parseShorthand(bad), /channel recipe|between 1 and 16/, bad);
  }
});

Deno.test("explicit channel lists are kept in order and named by shorthand", () => {
  const recipe = parseRecipe({ channels: ["image", "image", "CAM*"] });
  assert.equal(recipe.name, "2Ch+CAM*");
  assert.deepEqual(recipe.channels, ["image", "image", "CAM*"]);
  assert.equal(parseRecipe({ name: "mine", channels: ["CAM", "image"] }).name, "mine");
  assert.equal(recipeName(["CAM", "image"]), "CAM,image");
  assert.throws(() => parseRecipe({ channels: [] }), /at least one channel/);
});

Deno.test("priorsOf lists each prior once", () => {
  assert.deepEqual(priorsOf(parseRecipe({ channels: ["CAM", "image", "CAM"] })), ["CAM"]);
  assert.deepEqual(priorsOf(parseShorthand("3Ch")), []);
});
