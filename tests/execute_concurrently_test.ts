import assert from "node:assert/strict";
import { executeConcurrently } from "../core/run/execute_concurrently.ts";
import { executeInOrder } from "../core/run/execute_in_order.ts";
import { ArtifactStore } from "../core/run/artifact_store.ts";
import type { SegmenterStep, Step, StepGraph } from "../core/plan/step.ts";
import type { ExecutionRequest } from "../core/plugin/executor.ts";
import { noStepEvents, type StepEvents } from "../core/run/step_events.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { InterruptedError } from "../core/util/errors.ts";

// The scheduler of the local process pool, with steps run by a fake launcher that records
// when each starts and ends (a counter, not the clock) and commits its artifact.

function step(id: string, deps: string[] = [], kind = "segmenter"): Step {
  return { kind, id, label: `step ${id}`, deps, settings: {} } as unknown as Step;
}

/** data → split → {classifier → cam → A+cam, B, C}; cells: B, C, A+cam. */
function diamond(): StepGraph {
  const steps = [
    step("data", [], "data"),
    step("split", ["data"], "split"),
    step("classifier", ["split"], "classifier"),
    step("cam", ["classifier"], "cam"),
    step("B", ["split"]),
    step("C", ["split"]),
    step("A", ["cam", "split"]),
  ];
  const cells = steps.filter((s) => s.kind === "segmenter") as SegmenterStep[];
  return { steps, cells };
}

interface Trace {
  readonly events: string[];
  readonly stopped: string[];
}

/** A launcher whose steps take `ticks` timer turns each (more for some) and then commit. */
function fakeLauncher(
  store: ArtifactStore,
  trace: Trace,
  behaviour: { fail?: string; slow?: Record<string, number>; onStart?: (id: string) => void } = {},
) {
  return async (s: Step, stop: AbortSignal) => {
    trace.events.push(`start ${s.id}`);
    behaviour.onStart?.(s.id);
    for (let i = 0; i < (behaviour.slow?.[s.id] ?? 3); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (stop.aborted) {
        trace.stopped.push(s.id);
        throw new InterruptedError(`${s.label} stopped`);
      }
    }
    if (s.id === behaviour.fail) throw new Error(`deliberate failure of ${s.id}`);
    await store.commit(s.id, { kind: s.kind, label: s.label, settings: {} }, async () => {});
    trace.events.push(`end ${s.id}`);
  };
}

function request(
  graph: StepGraph,
  store: ArtifactStore,
  extra: Partial<ExecutionRequest> = {},
): ExecutionRequest & { log: ReturnType<typeof memoryLogger> } {
  return {
    graph,
    store,
    outDir: store.root,
    log: memoryLogger(),
    signal: new AbortController().signal,
    failFast: false,
    backend: "cpu",
    events: noStepEvents,
    runStep: () => Promise.reject(new Error("runStep is not used by the pool")),
    ...extra,
  } as ExecutionRequest & { log: ReturnType<typeof memoryLogger> };
}

async function tempStore(): Promise<ArtifactStore> {
  return new ArtifactStore(await Deno.makeTempDir({ prefix: "pool-" }));
}

function index(events: readonly string[], event: string): number {
  const at = events.indexOf(event);
  assert.ok(at >= 0, `${event} happened (${events.join(", ")})`);
  return at;
}

Deno.test("a step starts only after every step it needs has finished", async () => {
  const store = await tempStore();
  const trace: Trace = { events: [], stopped: [] };
  const graph = diamond();
  const summary = await executeConcurrently(request(graph, store), {
    slots: 3,
    launch: fakeLauncher(store, trace),
  });
  assert.equal(summary.computed.length, 7);
  for (const s of graph.steps) {
    for (const dep of s.deps) {
      assert.ok(index(trace.events, `end ${dep}`) < index(trace.events, `start ${s.id}`));
    }
  }
  await Deno.remove(store.root, { recursive: true });
});

Deno.test("independent steps run at the same time, never more than the slots", async () => {
  const store = await tempStore();
  const trace: Trace = { events: [], stopped: [] };
  let running = 0, most = 0;
  const launch = fakeLauncher(store, trace, { slow: { B: 6, C: 6, classifier: 6 } });
  await executeConcurrently(request(diamond(), store), {
    slots: 2,
    launch: async (s, stop) => {
      most = Math.max(most, ++running);
      try {
        await launch(s, stop);
      } finally {
        running--;
      }
    },
  });
  assert.equal(most, 2);
  // classifier and B are the first two ready after the split: both start before either ends.
  const firstEnd = Math.min(index(trace.events, "end classifier"), index(trace.events, "end B"));
  assert.ok(index(trace.events, "start classifier") < firstEnd);
  assert.ok(index(trace.events, "start B") < firstEnd);
  await Deno.remove(store.root, { recursive: true });
});

Deno.test("one slot runs the steps in the order the in-process executor does", async () => {
  const graph = diamond();
  const pooled: Trace = { events: [], stopped: [] };
  const store = await tempStore();
  await executeConcurrently(request(graph, store), {
    slots: 1,
    launch: fakeLauncher(store, pooled),
  });
  const inOrder: string[] = [];
  const other = await tempStore();
  await executeInOrder(request(graph, other, {
    runStep: (s) => {
      inOrder.push(s.id);
      return other.commit(s.id, { kind: s.kind, label: s.label, settings: {} }, async () => {});
    },
  }));
  const started = pooled.events.filter((e) => e.startsWith("start ")).map((e) => e.slice(6));
  assert.deepEqual(started, inOrder);
  await Deno.remove(store.root, { recursive: true });
  await Deno.remove(other.root, { recursive: true });
});

Deno.test("a failing step is reported by name, skips its dependents, keeps the rest", async () => {
  const store = await tempStore();
  const trace: Trace = { events: [], stopped: [] };
  const failedEvents: string[] = [];
  const events: StepEvents = {
    ...noStepEvents,
    failed: (s, error) => Promise.resolve(void failedEvents.push(`${s.id}: ${error}`)),
  };
  const req = request(diamond(), store, { events });
  const summary = await executeConcurrently(req, {
    slots: 2,
    launch: fakeLauncher(store, trace, { fail: "cam" }),
  });
  assert.deepEqual([...summary.failed.keys()].sort(), ["A", "cam"]);
  assert.match(summary.failed.get("cam")!.error, /deliberate failure of cam/);
  assert.equal(summary.failed.get("A")!.cause, "cam");
  assert.ok(req.log.lines.some((l) => l.includes("step cam failed: Error: deliberate failure")));
  assert.deepEqual(summary.computed.toSorted(), ["B", "C", "classifier", "data", "split"]);
  for (const id of summary.computed) assert.ok(await store.has(id), `${id} is kept`);
  assert.ok(!(await store.has("cam")));
  assert.ok(failedEvents.some((e) => e.startsWith("A: skipped: needs cam")));
  await Deno.remove(store.root, { recursive: true });
});

Deno.test("finished steps are not run again; the plan comes from the store", async () => {
  const store = await tempStore();
  for (const id of ["data", "split", "B"]) {
    await store.commit(id, { kind: "x", label: id, settings: {} }, async () => {});
  }
  const trace: Trace = { events: [], stopped: [] };
  const summary = await executeConcurrently(request(diamond(), store), {
    slots: 2,
    launch: fakeLauncher(store, trace),
  });
  assert.deepEqual(summary.reused.toSorted(), ["B", "split"]);
  assert.deepEqual(summary.computed.toSorted(), ["A", "C", "cam", "classifier"]);
  await Deno.remove(store.root, { recursive: true });
});

Deno.test("Ctrl-C stops the running steps, starts no more, keeps what finished", async () => {
  const store = await tempStore();
  const trace: Trace = { events: [], stopped: [] };
  const controller = new AbortController();
  const launch = fakeLauncher(store, trace, {
    slow: { B: 200, C: 200 },
    onStart: (id) => id === "C" && setTimeout(() => controller.abort(), 20),
  });
  await assert.rejects(
    executeConcurrently(request(diamond(), store, { signal: controller.signal }), {
      slots: 2,
      launch,
    }),
    (error) =>
      error instanceof InterruptedError && /steps finished in this run are kept/.test(
        error.message,
      ),
  );
  assert.ok(trace.stopped.length > 0, "running steps were told to stop");
  for (const id of trace.stopped) assert.ok(!(await store.has(id)), `${id} left no artifact`);
  for (const e of trace.events.filter((e) => e.startsWith("end "))) {
    assert.ok(await store.has(e.slice(4)), `${e} kept`);
  }
  assert.ok(!trace.events.includes("start A"), "nothing started after the stop");
  await Deno.remove(store.root, { recursive: true });
});

Deno.test("fail-fast stops the other running steps and throws the first failure", async () => {
  const store = await tempStore();
  const trace: Trace = { events: [], stopped: [] };
  await assert.rejects(
    executeConcurrently(request(diamond(), store, { failFast: true }), {
      slots: 2,
      launch: fakeLauncher(store, trace, { fail: "classifier", slow: { B: 200 } }),
    }),
    /deliberate failure of classifier/,
  );
  assert.deepEqual(trace.stopped, ["B"]);
  await Deno.remove(store.root, { recursive: true });
});

Deno.test("with a priority, the largest ready step starts first (ties in graph order)", async () => {
  const store = await tempStore();
  const trace: Trace = { events: [], stopped: [] };
  const work: Record<string, number> = { B: 1, C: 4, classifier: 2 };
  await executeConcurrently(request(diamond(), store), {
    slots: 1,
    launch: fakeLauncher(store, trace),
    priority: (s) => work[s.id] ?? 0,
  });
  const started = trace.events.filter((e) => e.startsWith("start ")).map((e) => e.slice(6));
  // After the split, C (4), the classifier (2) and B (1) are ready: largest first; the
  // cam (0) becomes ready behind B, and A after it.
  assert.deepEqual(started, ["data", "split", "C", "classifier", "B", "cam", "A"]);
  await Deno.remove(store.root, { recursive: true });
});
