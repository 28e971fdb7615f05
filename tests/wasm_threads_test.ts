import assert from "node:assert/strict";
import { patchWorkerScript } from "../plugins/backend/wasm/threads.ts";

/** The parts of tfjs 4.22's pthread worker script that the patch rewrites. */
const WORKER =
  "Object.assign(global,{self:global,require:require,location:{href:__filename},x:1});" +
  'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var u=' +
  "URL.createObjectURL(e.data.urlOrBlob);importScripts(u);URL.revokeObjectURL(u)}Next(Module)";

Deno.test("patchWorkerScript drops location and loads the main script from a file", () => {
  const patched = patchWorkerScript(WORKER, "/tmp/main.cjs");
  assert.ok(!patched.includes("location:"));
  assert.ok(patched.includes('importScripts("/tmp/main.cjs");Next(Module)'));
  assert.throws(() => patchWorkerScript("something else", "/tmp/main.cjs"), /not tfjs 4\.22/);
});

/** Runs in a fresh Deno: 2 wasm threads, a conv checked against cpu, threads stopped. */
const CHILD = `
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { startThreadedWasm, stopWasmThreads } from "${
  new URL("../plugins/backend/wasm/threads.ts", import.meta.url).href
}";
const threads = await startThreadedWasm(2);
const conv = async () => {
  const x = tf.randomNormal([2, 33, 31, 8], 0, 1, "float32", 1);
  const k = tf.randomNormal([3, 3, 8, 16], 0, 1, "float32", 2);
  const y = tf.conv2d(x, k, 1, "same");
  const values = await y.data();
  tf.dispose([x, k, y]);
  return values;
};
const wasm = await conv();
await tf.setBackend("cpu");
const cpu = await conv();
let diff = 0, scale = 0;
cpu.forEach((v, i) => {
  diff = Math.max(diff, Math.abs(wasm[i] - v));
  scale = Math.max(scale, Math.abs(v));
});
console.log(JSON.stringify({ threads, error: diff / scale, stopped: await stopWasmThreads() }));
`;

Deno.test("threaded wasm starts 2 threads, matches cpu, and lets Deno exit", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", CHILD],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  });
  const { success, stdout, stderr } = await child.output();
  const text = new TextDecoder().decode(stdout).trim();
  assert.ok(success, `child failed: ${new TextDecoder().decode(stderr).slice(-500)}`);
  const result = JSON.parse(text.split("\n").at(-1)!);
  assert.equal(result.threads, 2);
  assert.ok(result.error <= 1e-4, `threaded conv off by ${result.error}`);
  assert.ok(result.stopped >= 1);
});
