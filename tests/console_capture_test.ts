import assert from "node:assert/strict";
import { join } from "node:path";
import { terminal, withConsoleTo } from "../core/util/console_capture.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { ROOT, runCli, tinyExperiment, writeExperiment } from "./helpers/cli_process.ts";

Deno.test("withConsoleTo: console.* goes to the sink while fn runs, then is restored", async () => {
  const sink = memoryLogger();
  const original = console.log;
  const value = await withConsoleTo(sink, async () => {
    console.log("a %d", 1);
    console.warn("b", { c: 2 });
    await Promise.resolve();
    console.error(new Error("d").message);
    return 7;
  });
  assert.equal(value, 7);
  assert.deepEqual(sink.lines, [
    "[console.log] a 1",
    "warning: [console.warn] b { c: 2 }",
    "warning: [console.error] d",
  ]);
  assert.equal(console.log, original);
  await assert.rejects(withConsoleTo(sink, () => Promise.reject(new Error("x"))));
  assert.equal(console.log, original, "restored after a failure too");
});

Deno.test("terminal: camprior's own output reaches the console outside the capture", async () => {
  const seen: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => seen.push(args.join(" "));
  try {
    terminal.error("before");
    await withConsoleTo(memoryLogger(), () => {
      console.error("captured");
      terminal.error("during");
      return Promise.resolve();
    });
    terminal.error("after");
  } finally {
    console.error = original;
  }
  assert.deepEqual(seen, ["before", "during", "after"]);
});

const NOISY = `
import { z } from "zod";
import { definePlugin } from "${join(ROOT, "mod.ts")}";
export default definePlugin({
  kind: "postprocess",
  name: "noisy",
  description: "test: prints while it works",
  version: "1",
  options: z.strictObject({}),
  create: () => {
    console.log("NOISY-CREATE chatter");
    return {
      apply: (map) => {
        console.warn("NOISY-APPLY deprecated thing");
        return map;
      },
    };
  },
});
`;

Deno.test("run: what a third-party plugin prints goes to its step log, not the terminal", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "noisy.ts"), NOISY);
  const file = await writeExperiment(
    dir,
    tinyExperiment({
      plugins: ["./noisy.ts"],
      dataset: { plugin: "tiny", options: { patientsPerGroup: 4, size: 16 } },
      priors: { N: { source: "population", postprocess: [{ plugin: "noisy" }] } },
      grid: { channels: ["1Ch+N"], sampleSizes: [100] },
    }),
  );
  const out = join(dir, "out");
  const result = await runCli("run", file, "--out", out);
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stdout + result.stderr, /NOISY/);
  const logs = [...Deno.readDirSync(join(out, "logs"))].map((e) => e.name);
  const prior = await Deno.readTextFile(
    // The step's own log, not the pool worker's console output (`<id>.worker.log`).
    join(out, "logs", logs.find((n) => n.startsWith("prior-") && !n.endsWith(".worker.log"))!),
  );
  assert.match(prior, /\[console\.log\] NOISY-CREATE chatter/);
  assert.match(prior, /warning: \[console\.warn\] NOISY-APPLY deprecated thing/);
  await Deno.remove(dir, { recursive: true });
});
