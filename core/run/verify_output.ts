/**
 * `experiment verify <out>`: checks every artifact of an output folder against its manifest
 * (sizes and SHA-256 of each file, the manifest's own checksum) and against the artifacts it
 * was computed from, without running anything or changing a file.
 *
 * @module
 */
import { join } from "node:path";
import { fsError } from "../util/fs_errors.ts";
import { type ArtifactCheck, QUARANTINE, verifyFolder } from "./artifact_store.ts";

/** The verdict on one artifact folder. */
export interface VerifiedArtifact {
  readonly id: string;
  readonly label?: string;
  /** `incomplete`: no manifest (a step that did not finish); not an error. */
  readonly status: "ok" | "damaged" | "outdated" | "incomplete";
  readonly file?: string;
  readonly problem?: string;
}

/** Everything `verify` found. */
export interface VerifyReport {
  readonly root: string;
  readonly artifacts: readonly VerifiedArtifact[];
  /** Temporary folders left by steps that were killed while writing. */
  readonly leftovers: readonly string[];
  /** Damaged artifacts an earlier run moved aside. */
  readonly quarantined: number;
  /** Whether every finished artifact verified. */
  readonly ok: boolean;
}

/** Checks every artifact under `<out>/artifacts`. */
export async function verifyOutput(outDir: string): Promise<VerifyReport> {
  const root = join(outDir, "artifacts");
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(root)) if (entry.isDirectory) names.push(entry.name);
  } catch (error) {
    throw fsError(error, root);
  }
  names.sort();
  const ids = names.filter((name) => !name.startsWith("."));
  const checks = new Map<string, ArtifactCheck>();
  for (const id of ids) checks.set(id, await verifyFolder(join(root, id)));
  const artifacts = ids.map((id) => verdict(id, checks.get(id)!, checks));
  const quarantined = names.includes(QUARANTINE)
    ? [...Deno.readDirSync(join(root, QUARANTINE))].length
    : 0;
  return {
    root,
    artifacts,
    leftovers: names.filter((name) => name.startsWith(".") && name.includes(".tmp-")),
    quarantined,
    ok: artifacts.every((a) => a.status === "ok" || a.status === "incomplete"),
  };
}

function verdict(
  id: string,
  check: ArtifactCheck,
  all: ReadonlyMap<string, ArtifactCheck>,
): VerifiedArtifact {
  if (check.status === "missing") return { id, status: "incomplete" };
  if (check.status === "damaged") {
    return { id, label: check.label, status: "damaged", file: check.file, problem: check.problem };
  }
  const { label } = check.manifest;
  for (const [dep, recorded] of Object.entries(check.manifest.inputs)) {
    const input = all.get(dep);
    if (input?.status !== "ok" || input.manifest.digest === recorded) continue;
    const problem = `computed from an earlier ${input.manifest.label} (${dep})`;
    return { id, label, status: "outdated", file: "manifest.json", problem };
  }
  return { id, label, status: "ok" };
}

/** The report as text: one line per artifact, then a summary. */
export function formatVerifyReport(report: VerifyReport): string {
  const width = Math.max(0, ...report.artifacts.map((a) => a.id.length));
  const lines = report.artifacts.map((a) => {
    const status = a.status === "ok" ? "ok" : a.status.toUpperCase();
    const what = a.file
      ? `: ${a.file}: ${a.problem}`
      : a.status === "incomplete"
      ? ": no manifest (a step that did not finish; the next run replaces it)"
      : "";
    return `${status.padEnd(10)} ${a.id.padEnd(width)}  ${a.label ?? ""}${what}`.trimEnd();
  });
  const count = (status: VerifiedArtifact["status"]) =>
    report.artifacts.filter((a) => a.status === status).length;
  const bad = count("damaged") + count("outdated");
  const notes = [
    ...report.leftovers.length > 0
      ? [`${report.leftovers.length} temporary folders of interrupted steps (safe to delete)`]
      : [],
    ...report.quarantined > 0
      ? [`${report.quarantined} damaged artifacts moved aside earlier in ${QUARANTINE}/`]
      : [],
  ];
  return [
    ...lines,
    `${report.artifacts.length} artifacts in ${report.root}: ${count("ok")} ok, ` +
    `${count("damaged")} damaged, ${count("outdated")} outdated, ` +
    `${count("incomplete")} incomplete` +
    (bad > 0 ? "; the next run computes the damaged and outdated ones again" : ""),
    ...notes,
  ].join("\n");
}
