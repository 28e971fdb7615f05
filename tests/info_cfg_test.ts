import assert from "node:assert/strict";
import { join } from "node:path";
import { formatInfoCfg, parseInfoCfg, readInfoCfg } from "../plugins/dataset/formats/info_cfg.ts";
import { ACDC_DIR, haveAcdc, rejectsWith, throwsWith, withTempDir } from "./acdc_fixtures.ts";

const TEXT = "ED: 1\nES: 12\nGroup: DCM\nHeight: 184.0\nNbFrame: 30\nWeight: 95.0\n";

Deno.test("info_cfg: parses the ACDC fields", () => {
  assert.deepEqual(parseInfoCfg(TEXT, "Info.cfg"), {
    ed: 1,
    es: 12,
    group: "DCM",
    height: 184,
    weight: 95,
    nbFrame: 30,
  });
});

Deno.test("info_cfg: format and parse round-trip", () => {
  const info = parseInfoCfg(TEXT, "Info.cfg");
  assert.deepEqual(parseInfoCfg(formatInfoCfg(info), "again"), info);
});

Deno.test("info_cfg: every real Info.cfg parses, 20 patients per group", async () => {
  if (!(await haveAcdc("info_cfg real files"))) return;
  const counts = new Map<string, number>();
  for await (const entry of Deno.readDir(join(ACDC_DIR, "info"))) {
    const info = await readInfoCfg(join(ACDC_DIR, "info", entry.name, "Info.cfg"));
    counts.set(info.group, (counts.get(info.group) ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries([...counts].sort()), {
    DCM: 20,
    HCM: 20,
    MINF: 20,
    NOR: 20,
    RV: 20,
  });
});

Deno.test("info_cfg: a missing Group is named", () => {
  throwsWith(() => parseInfoCfg("ED: 1\nES: 12\n", "p/Info.cfg"), 'p/Info.cfg: missing "Group"');
});

Deno.test("info_cfg: an unknown Group is named with the known ones", () => {
  throwsWith(
    () => parseInfoCfg("ED: 1\nES: 12\nGroup: XYZ\n", "p/Info.cfg"),
    'p/Info.cfg: unknown Group "XYZ" (expected one of NOR, MINF, DCM, HCM, RV)',
  );
});

Deno.test("info_cfg: a missing or non-numeric frame is named", () => {
  throwsWith(() => parseInfoCfg("ES: 12\nGroup: NOR\n", "p/Info.cfg"), 'p/Info.cfg: missing "ED"');
  throwsWith(() => parseInfoCfg("ED: one\nES: 12\nGroup: NOR\n", "p/Info.cfg"), '"ED" is "one"');
});

Deno.test("info_cfg: a missing file is named", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "Info.cfg");
    await rejectsWith(() => readInfoCfg(path), `${path}: Info.cfg not found`);
  });
});
