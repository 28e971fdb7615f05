/**
 * Compares runs of `bench/acdc_ssl.ts`: per test patient, the foreground mean Dice of its
 * volumes (ED, ES) at native resolution, averaged over the seeds in which the patient was a
 * test patient; then, per strategy against `supervised`, the mean paired difference and
 * the two-sided Wilcoxon signed-rank p over patients.
 *
 * ```sh
 * deno run -A bench/ssl_compare.ts /work/runs/ssl/*.json
 * ```
 *
 * @module
 */
import { mean, wilcoxonSignedRank } from "../core/report/stats.ts";

interface Run {
  readonly config: { readonly strategy: string; readonly seed: string; readonly tag?: string };
  readonly result: {
    readonly native?: { readonly perVolume: Record<string, number> };
    readonly seconds?: number;
    readonly trainSeconds?: number;
  };
  readonly history: readonly { readonly seconds: number }[];
}

/** Per strategy label: patient → Dice values (one per seed and volume). */
function collect(runs: readonly Run[]) {
  const table = new Map<string, Map<string, Map<string, number[]>>>();
  for (const run of runs) {
    if (!run.result.native) continue;
    const label = run.config.tag ?? run.config.strategy;
    const bySeed = table.get(label) ?? table.set(label, new Map()).get(label)!;
    for (const [volume, dice] of Object.entries(run.result.native.perVolume)) {
      const patient = volume.split(" ")[0];
      const seeds = bySeed.get(patient) ?? bySeed.set(patient, new Map()).get(patient)!;
      const values = seeds.get(run.config.seed) ??
        seeds.set(run.config.seed, []).get(run.config.seed)!;
      values.push(dice);
    }
  }
  return table;
}

/** Patient → Dice averaged over volumes within a seed, then over seeds. */
function perPatient(bySeed: Map<string, Map<string, number[]>>, seeds?: Set<string>) {
  const out = new Map<string, number>();
  for (const [patient, values] of bySeed) {
    const kept = [...values].filter(([seed]) => !seeds || seeds.has(seed));
    if (kept.length > 0) out.set(patient, mean(kept.map(([, v]) => mean(v))));
  }
  return out;
}

const runs: Run[] = [];
for (const path of Deno.args) {
  try {
    runs.push(JSON.parse(await Deno.readTextFile(path)));
  } catch (error) {
    console.error(`${path}: ${error}`);
  }
}
const table = collect(runs);
const baseline = table.get("supervised");
for (const [label, bySeed] of table) {
  const seeds = new Set([...bySeed.values()].flatMap((m) => [...m.keys()]));
  const mine = perPatient(bySeed);
  const times = runs.filter((r) => (r.config.tag ?? r.config.strategy) === label && r.result.native)
    .map((r) => r.result.trainSeconds ?? 0);
  let line = `${label.padEnd(28)} seeds ${[...seeds].sort().join(",").padEnd(6)} ` +
    `patients ${mine.size}  fg Dice ${mean([...mine.values()]).toFixed(4)}  ` +
    `train ${(mean(times) / 60).toFixed(1)} min/cell`;
  if (baseline && label !== "supervised") {
    const base = perPatient(baseline, seeds);
    const paired = [...mine].filter(([p]) => base.has(p)).map(([p, v]) => v - base.get(p)!);
    const test = wilcoxonSignedRank(paired);
    line += `  Δ ${mean(paired) >= 0 ? "+" : ""}${mean(paired).toFixed(4)} over ${paired.length}` +
      ` patients, Wilcoxon p ${test.pValue.toPrecision(3)} (${test.method})`;
  }
  console.log(line);
}
