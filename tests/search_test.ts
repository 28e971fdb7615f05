import assert from "node:assert/strict";
import { trainingSchema } from "../core/config/experiment_schema.ts";
import {
  bestLoss,
  type Candidate,
  describeCandidate,
  gridSearch,
  searchGrid,
  withDropout,
  withLearningRate,
} from "../core/training/search.ts";
import { type EpochReport, type FitResult, LossNotFiniteError } from "../core/training/fit.ts";

const PAPER = { dropout: [0.1, 0.2, 0.25], learningRate: [0.1, 0.01, 0.001] };

Deno.test("search: the paper's grid is 9 candidates, expressible in the experiment file", () => {
  const settings = trainingSchema.parse({ search: PAPER });
  const grid = searchGrid(settings.search);
  assert.equal(grid.length, 9);
  assert.deepEqual(grid[0], { dropout: 0.1, learningRate: 0.1 });
  assert.deepEqual(grid[8], { dropout: 0.25, learningRate: 0.001 });
  assert.deepEqual(searchGrid(undefined), [{}]);
  assert.deepEqual(searchGrid({ learningRate: [0.1, 0.01] }), [
    { learningRate: 0.1 },
    { learningRate: 0.01 },
  ]);
  assert.throws(() => trainingSchema.parse({ search: { dropout: [] } }));
  assert.throws(() => trainingSchema.parse({ search: { learningRate: [0] } }));
});

Deno.test("search: candidates override the learning rate and the dropout option", () => {
  const settings = trainingSchema.parse({ learningRate: 0.5 });
  assert.equal(withLearningRate(settings, { learningRate: 0.01 }).learningRate, 0.01);
  assert.equal(withLearningRate(settings, {}), settings);
  assert.deepEqual(withDropout({ width: 4 }, { dropout: 0.2 }), { width: 4, dropout: 0.2 });
  assert.deepEqual(withDropout({ width: 4 }, {}), { width: 4 });
  assert.equal(
    describeCandidate({ dropout: 0.2, learningRate: 0.01 }),
    "dropout 0.2, learning rate 0.01",
  );
  assert.equal(describeCandidate({}), "as configured");
});

function fitResult(valLosses: readonly number[]): FitResult {
  const history = valLosses.map((valLoss, i): EpochReport => ({
    epoch: i + 1,
    epochs: valLosses.length,
    loss: 1,
    valLoss,
    learningRate: 0.1,
    seconds: 0,
  }));
  return { history, bestEpoch: 1, stoppedEarly: false };
}

Deno.test("search: keeps the lowest validation loss, releases the rest, NaN runs lose", async () => {
  const curves: Record<string, number[]> = {
    "0.1": [0.9, 0.7],
    "0.01": [0.8, 0.5, 0.6],
    "0.001": [0.95, 0.9],
  };
  const released: number[] = [];
  const outcome = await gridSearch(
    [...Object.keys(curves).map((lr) => ({ learningRate: Number(lr) })), { learningRate: 1 }],
    (c: Candidate) => {
      if (c.learningRate === 1) throw new LossNotFiniteError("loss became NaN at epoch 1, step 2");
      return Promise.resolve({
        lr: c.learningRate!,
        fit: fitResult(curves[String(c.learningRate)]),
      });
    },
    (run) => bestLoss(run.fit),
    (run) => released.push(run.lr),
  );
  assert.deepEqual(outcome.best, { learningRate: 0.01 });
  assert.equal(outcome.result.lr, 0.01);
  assert.deepEqual(released.sort(), [0.001, 0.1]);
  assert.deepEqual(outcome.trials.map((t) => t.valLoss), [0.7, 0.5, 0.9, Infinity]);
  assert.match(outcome.trials[3].error!, /NaN/);
});

Deno.test("search: fails when every candidate diverges; other errors are not swallowed", async () => {
  const failing = () => Promise.reject(new LossNotFiniteError("diverged"));
  await assert.rejects(
    gridSearch([{ dropout: 0.1 }, { dropout: 0.2 }], failing, () => 0, () => {}),
    /every search candidate failed:\ndropout 0.1: diverged\ndropout 0.2: diverged/,
  );
  await assert.rejects(
    gridSearch(
      [{}, { dropout: 0.1 }],
      () => Promise.reject(new TypeError("bug")),
      () => 0,
      () => {},
    ),
    TypeError,
  );
  // Without a search the single run's own error comes through unchanged.
  await assert.rejects(gridSearch([{}], failing, () => 0, () => {}), LossNotFiniteError);
});
