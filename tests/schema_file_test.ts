import assert from "node:assert/strict";
import { experimentJsonSchema } from "../core/config/json_schema.ts";
import { builtinRegistry } from "../plugins/mod.ts";

Deno.test("the committed experiment.schema.json is up to date (run `deno task schema`)", async () => {
  const path = new URL("../experiment.schema.json", import.meta.url);
  const committed = JSON.parse(await Deno.readTextFile(path));
  assert.deepEqual(committed, experimentJsonSchema(builtinRegistry()));
});
