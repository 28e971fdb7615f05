/**
 * Which finished artifacts of a graph may be reused: each is verified against its manifest
 * (checksums), and each must have been computed from the artifacts its inputs are now. A
 * damaged artifact, or one computed from an input that was recomputed since, is reported
 * by step and file, moved aside, and computed again.
 *
 * @module
 */
import type { StepGraph } from "../plan/planner.ts";
import type { Step } from "../plan/step.ts";
import type { ArtifactStore, Manifest } from "./artifact_store.ts";
import type { Logger } from "../util/logger.ts";

/** A finished artifact that cannot be reused, and why. */
export interface ArtifactProblem {
  readonly id: string;
  readonly label: string;
  /** The file at fault, relative to the artifact's folder. */
  readonly file: string;
  readonly problem: string;
  /** `damaged`: fails its checksums; `stale`: computed from an input that changed since. */
  readonly kind: "damaged" | "stale";
  /** Where the artifact was moved, when it was. */
  readonly movedTo?: string;
}

/** The verdict on every finished artifact of a graph. */
export interface ArtifactReview {
  /** Verified artifacts, with their manifests. */
  readonly usable: ReadonlyMap<string, Manifest>;
  /** Steps whose damaged or stale artifact must be computed again. */
  readonly recompute: ReadonlySet<string>;
  readonly problems: readonly ArtifactProblem[];
}

/** One line for the user: `<label> (<id>): <file>: <problem>`. */
export function formatProblem(p: ArtifactProblem): string {
  const moved = p.movedTo ? `; moved to ${p.movedTo}` : "";
  return `${p.label} (${p.id}): ${p.file}: ${p.problem}${moved}`;
}

/** Warns about each problem: what is computed again, and why. */
export function warnProblems(log: Logger, problems: readonly ArtifactProblem[]): void {
  for (const problem of problems) {
    const what = problem.kind === "damaged" ? "damaged" : "outdated";
    log.warn(`${what} artifact, computing it again: ${formatProblem(problem)}`);
  }
}

/**
 * Verifies the finished artifacts of the graph, in graph order. With `quarantine`, damaged
 * and stale artifacts are moved aside so they can be computed again.
 */
export async function reviewArtifacts(
  graph: StepGraph,
  store: ArtifactStore,
  options: {
    readonly quarantine?: boolean;
    /** Review only these steps (the others are left as they are, and not usable). */
    readonly only?: ReadonlySet<string>;
  } = {},
): Promise<ArtifactReview> {
  const usable = new Map<string, Manifest>();
  const recompute = new Set<string>();
  const problems: ArtifactProblem[] = [];
  const labels = new Map(graph.steps.map((s) => [s.id, s.label]));
  for (const step of graph.steps) {
    if (options.only && !options.only.has(step.id)) continue;
    const check = await store.verify(step.id);
    if (check.status === "missing") continue;
    const problem = check.status === "damaged"
      ? { file: check.file, problem: check.problem, kind: "damaged" as const }
      : staleInput(step, check.manifest, usable, labels);
    if (!problem) {
      usable.set(step.id, (check as { manifest: Manifest }).manifest);
      continue;
    }
    const movedTo = options.quarantine ? await store.quarantine(step.id) : undefined;
    problems.push({ id: step.id, label: step.label, ...problem, ...(movedTo ? { movedTo } : {}) });
    recompute.add(step.id);
  }
  return { usable, recompute, problems };
}

/** The first input whose artifact differs from the one this artifact was computed from. */
function staleInput(
  step: Step,
  manifest: Manifest,
  usable: ReadonlyMap<string, Manifest>,
  labels: ReadonlyMap<string, string>,
): Omit<ArtifactProblem, "id" | "label"> | undefined {
  for (const dep of step.deps) {
    const recorded = manifest.inputs[dep];
    const current = usable.get(dep)?.digest;
    if (recorded === undefined || current === undefined || recorded === current) continue;
    return {
      file: "manifest.json",
      problem: `computed from an earlier ${labels.get(dep)} (${dep}), which was recomputed since`,
      kind: "stale",
    };
  }
  return undefined;
}
