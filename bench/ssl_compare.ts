/**
 * Compares runs of `bench/acdc_ssl.ts` the way the report does (`core/report/
 * patient_stats.ts`): per seed, each test patient's score is the mean foreground Dice of its
 * volumes (ED, ES) at native resolution; each variant is compared with `supervised` over
 * the patients and seeds both have (patients averaged over seeds first), by the paired
 * Wilcoxon signed-rank test, Holm-adjusted over the variants compared.
 *
 * ```sh
 * deno run -A bench/ssl_compare.ts /work/runs/ssl/*.json
 * ```
 *
 * @module
 */
import { mean } from "../core/report/stats.ts";
import { comparePatients, holmAdjust, type PatientScores } from "../core/report/patient_stats.ts";

interface Run {
  readonly config: { readonly strategy: string; readonly seed: string; readonly tag?: string };
  readonly result: {
    readonly native?: { readonly perVolume: Record<string, number> };
    readonly trainSeconds?: number;
  };
}

/** A run's patient scores: mean over the patient's volumes. */
function patientScores(run: Run): PatientScores {
  const volumes = new Map<string, number[]>();
  for (const [volume, dice] of Object.entries(run.result.native!.perVolume)) {
    const patient = volume.split(" ")[0];
    volumes.set(patient, [...(volumes.get(patient) ?? []), dice]);
  }
  return new Map([...volumes].map(([patient, values]) => [patient, mean(values)]));
}

const runs: Run[] = [];
for (const path of Deno.args) {
  try {
    const run = JSON.parse(await Deno.readTextFile(path)) as Run;
    if (run.result?.native) runs.push(run);
  } catch (error) {
    console.error(`${path}: ${error}`);
  }
}
const variants = new Map<string, Map<number, PatientScores>>();
const minutes = new Map<string, number[]>();
for (const run of runs) {
  const label = run.config.tag ?? run.config.strategy;
  if (!variants.has(label)) variants.set(label, new Map());
  variants.get(label)!.set(Number(run.config.seed), patientScores(run));
  minutes.set(label, [...(minutes.get(label) ?? []), (run.result.trainSeconds ?? NaN) / 60]);
}
const baseline = variants.get("supervised");
const compared = [...variants].filter(([label]) => label !== "supervised" && baseline);
const comparisons = compared.map(([, seeds]) => comparePatients(seeds, baseline!));
const adjusted = holmAdjust(comparisons.map((c) => c.wilcoxon?.pValue ?? NaN));
for (const [label, seeds] of variants) {
  const all = [...seeds.values()].map((s) => mean([...s.values()]));
  console.log(
    `${label.padEnd(30)} seeds ${[...seeds.keys()].join(",").padEnd(6)} fg Dice per seed ` +
      `${all.map((v) => v.toFixed(4)).join(" ")}  train ${
        mean(minutes.get(label)!).toFixed(0)
      } min`,
  );
}
compared.forEach(([label], i) => {
  const c = comparisons[i];
  const d = c.meanDifference;
  console.log(
    `${label.padEnd(30)} vs supervised: Δ ${d >= 0 ? "+" : ""}${d.toFixed(4)} over ` +
      `${c.patients} patients (seeds ${c.seeds.join(",")}; per seed ` +
      `${c.perSeedDifference.map((v) => v.toFixed(3)).join(" ")}), Wilcoxon p ` +
      `${c.wilcoxon?.pValue.toPrecision(3)}, Holm ${adjusted[i].toPrecision(3)}`,
  );
});
