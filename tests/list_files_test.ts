import assert from "node:assert/strict";
import { join } from "node:path";
import { parseListFile, readListFile } from "../plugins/dataset/formats/list_files.ts";
import { ACDC_DIR, haveAcdc, rejectsWith, throwsWith, withTempDir } from "./acdc_fixtures.ts";

Deno.test("list_files: trims lines and skips blank ones", () => {
  assert.deepEqual(parseListFile("a\r\n b \n\n c\n", "x.list"), ["a", "b", "c"]);
});

Deno.test("list_files: the real lists have 140 train and 20 val volumes", async () => {
  if (!(await haveAcdc("list_files real lists"))) return;
  assert.equal((await readListFile(join(ACDC_DIR, "train.list")))!.length, 140);
  assert.equal((await readListFile(join(ACDC_DIR, "val.list")))!.length, 20);
  assert.equal((await readListFile(join(ACDC_DIR, "train_slices.list")))!.length, 1312);
});

Deno.test("list_files: an empty list file is an error naming it", async () => {
  throwsWith(() => parseListFile("\n  \n", "val.list"), "val.list: list file is empty");
  await withTempDir(async (dir) => {
    const path = join(dir, "train.list");
    await Deno.writeTextFile(path, "");
    await rejectsWith(() => readListFile(path), `${path}: list file is empty`);
  });
});

Deno.test("list_files: a repeated entry is an error", () => {
  throwsWith(() => parseListFile("a\nb\na\n", "x.list"), 'x.list: "a" is listed twice');
});

Deno.test("list_files: missing files are errors unless optional", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "test.list");
    await rejectsWith(() => readListFile(path), `${path}: list file not found`);
    assert.equal(await readListFile(path, true), undefined);
  });
});
