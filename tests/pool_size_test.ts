import assert from "node:assert/strict";
import { poolSize, thisMachine } from "../plugins/executor/local/pool_size.ts";

Deno.test("pool size: a given number of jobs is taken as is", () => {
  const size = poolSize({ jobs: 3, memoryPerJob: 2048 }, { cores: 2, availableMiB: 100 });
  assert.equal(size.jobs, 3);
});

Deno.test("pool size auto: the cores, fewer when memory holds fewer jobs, at least one", () => {
  const auto = { jobs: "auto", memoryPerJob: 2048 } as const;
  assert.equal(poolSize(auto, { cores: 16, availableMiB: 64 * 1024 }).jobs, 16);
  const tight = poolSize(auto, { cores: 16, availableMiB: 9 * 1024 });
  assert.equal(tight.jobs, 4);
  assert.match(tight.why, /16 cores, 9\.0 GiB free at 2\.0 GiB per job/);
  assert.equal(poolSize(auto, { cores: 4, availableMiB: 500 }).jobs, 1);
  assert.equal(poolSize(auto, { cores: 6 }).jobs, 6);
});

Deno.test("pool size: this machine reports cores and free memory", () => {
  const machine = thisMachine();
  assert.ok(machine.cores >= 1);
  assert.ok(machine.availableMiB === undefined || machine.availableMiB > 0);
});
