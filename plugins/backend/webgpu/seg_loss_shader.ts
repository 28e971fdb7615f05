/**
 * WGSL of the fused segmentation loss on logits `z[P, C]` and targets `y[P, C]` (P
 * pixels, C classes, unrolled into named scalars: no local arrays). Terms: soft IoU and
 * soft Dice over the whole batch per class, and pixel cross-entropy with class weights
 * `w` — the definitions of `core/training/losses.ts`.
 *
 * - stats pass: softmax per pixel, then per workgroup the sums `I_c = Σ s·y`,
 *   `S_c = Σ s`, `T_c = Σ y` and `CE = Σ_c w_c y_c (lse − z_c)`: `[groups, 3C + 1]`;
 * - finalize pass (one workgroup): the loss, and per class the coefficients `α_c, β_c`
 *   with `∂L_overlap/∂s_c = α_c·y_c + β_c`: `[1 + 2C]`;
 * - gradient pass: per pixel `∂L/∂z_c = s_c (g_c − Σ_k s_k g_k) + (Y s_c − w_c y_c) / P`
 *   where `g_c = α_c y_c + β_c` and `Y = Σ_k w_k y_k`, times the upstream gradient.
 *
 * @module
 */
import type { LossTerms } from "../../../mod.ts";

/** Matches `EPSILON` of `core/training/losses.ts`. */
export const LOSS_EPSILON = 1e-6;

const cls = (classes: number) => Array.from({ length: classes }, (_, c) => c);
const f32 = (v: number) => (Number.isInteger(v) ? `${v}.0` : `${v}`);

/** Statements reading pixel `p`'s logits and targets and its softmax `s<c>`, `lse`. */
function softmaxOfPixel(classes: number, weighted: boolean): string {
  const cs = cls(classes);
  const max = cs.slice(1).reduce((acc, c) => `max(${acc}, z${c})`, "z0");
  return [
    ...cs.map((c) => `let z${c} = zIn[p * ${classes} + ${c}];`),
    ...cs.map((c) => `let y${c} = yIn[p * ${classes} + ${c}];`),
    ...cs.map((c) => `let w${c} = ${weighted ? `wIn[${c}]` : "1.0"};`),
    `let mx = ${max};`,
    ...cs.map((c) => `let e${c} = exp(z${c} - mx);`),
    `let se = ${cs.map((c) => `e${c}`).join(" + ")};`,
    `let lse = mx + log(se);`,
    ...cs.map((c) => `let s${c} = e${c} / se;`),
  ].join("\n    ");
}

/** The names of the per-thread sums of the stats pass, in output order. */
function statNames(classes: number): string[] {
  const cs = cls(classes);
  return [...cs.map((c) => `si${c}`), ...cs.map((c) => `ss${c}`), ...cs.map((c) => `st${c}`), "ce"];
}

/** The stats pass: `[groups, 3C + 1]` partial sums. */
export function statsShader(classes: number, terms: LossTerms, weighted: boolean): string {
  const cs = cls(classes);
  const names = statNames(classes);
  const adds = [
    ...cs.map((c) => `si${c} = si${c} + s${c} * y${c};`),
    ...cs.map((c) => `ss${c} = ss${c} + s${c};`),
    ...cs.map((c) => `st${c} = st${c} + y${c};`),
    terms.crossentropy
      ? `ce = ce + ${cs.map((c) => `w${c} * y${c} * (lse - z${c})`).join(" + ")};`
      : "",
  ];
  const reduceEach = names.map((name, j) => `
  cp_red[t] = ${name};
  workgroupBarrier();
  for (var span = 128; span > 0; span = span / 2) {
    if (t < span) { cp_red[t] = cp_red[t] + cp_red[t + span]; }
    workgroupBarrier();
  }
  if (t == 0) { result[i32(workgroupId.x) * ${names.length} + ${j}] = cp_red[0]; }
  workgroupBarrier();`).join("");
  return `
var<workgroup> cp_red: array<f32, 256>;

fn main() {
  let t = i32(localIndex);
  ${names.map((n) => `var ${n} = 0.0;`).join("\n  ")}
  let stride = i32(numWorkgroups.x) * 256;
  for (var p = i32(workgroupId.x) * 256 + t; p < uniforms.pixels; p = p + stride) {
    ${softmaxOfPixel(classes, weighted)}
    ${adds.join("\n    ")}
  }
  ${reduceEach}
}
`;
}

/** One class's loss terms and gradient coefficients from the summed stats. */
function classTerms(c: number, classes: number, terms: LossTerms): string {
  const eps = f32(LOSS_EPSILON);
  const lines = [
    `let i${c} = cp_tot[${c}] + ${eps};`,
    `let tot${c} = cp_tot[${classes + c}] + cp_tot[${2 * classes + c}];`,
    `var a${c} = 0.0;`,
    `var b${c} = 0.0;`,
  ];
  if (terms.iou) {
    lines.push(
      `let u${c} = tot${c} - cp_tot[${c}] + ${eps};`,
      `loss = loss + (1.0 - i${c} / u${c}) / ${f32(classes)};`,
      `a${c} = a${c} - (1.0 / u${c} + i${c} / (u${c} * u${c})) / ${f32(classes)};`,
      `b${c} = b${c} + i${c} / (u${c} * u${c}) / ${f32(classes)};`,
    );
  }
  if (terms.dice) {
    lines.push(
      `let d${c} = tot${c} + ${eps};`,
      `let n${c} = 2.0 * cp_tot[${c}] + ${eps};`,
      `loss = loss + (1.0 - n${c} / d${c}) / ${f32(classes)};`,
      `a${c} = a${c} - 2.0 / d${c} / ${f32(classes)};`,
      `b${c} = b${c} + n${c} / (d${c} * d${c}) / ${f32(classes)};`,
    );
  }
  lines.push(`result[${1 + c}] = a${c};`, `result[${1 + classes + c}] = b${c};`);
  return lines.join("\n    ");
}

/** The finalize pass: `[loss, α_0 … α_{C−1}, β_0 … β_{C−1}]` from the partial sums. */
export function finalizeShader(classes: number, terms: LossTerms): string {
  const stats = 3 * classes + 1;
  const ce = terms.crossentropy
    ? `loss = loss + cp_tot[${3 * classes}] / f32(uniforms.pixels);`
    : "";
  return `
var<workgroup> cp_tot: array<f32, ${stats}>;

fn main() {
  let t = i32(localIndex);
  if (t < ${stats}) {
    var sum = 0.0;
    for (var g = 0; g < uniforms.groups; g = g + 1) { sum = sum + partIn[g * ${stats} + t]; }
    cp_tot[t] = sum;
  }
  workgroupBarrier();
  if (t == 0) {
    var loss = 0.0;
    ${cls(classes).map((c) => classTerms(c, classes, terms)).join("\n    ")}
    ${ce}
    result[0] = loss;
  }
}
`;
}

/** The gradient pass: `∂L/∂z` `[P, C]`, times the upstream gradient `dyIn[0]`. */
export function gradShader(classes: number, terms: LossTerms, weighted: boolean): string {
  const cs = cls(classes);
  const g = cs.map((c) => `let g${c} = coefIn[${1 + c}] * y${c} + coefIn[${1 + classes + c}];`);
  const sg = `let sg = ${cs.map((c) => `s${c} * g${c}`).join(" + ")};`;
  const big = `let wy = ${cs.map((c) => `w${c} * y${c}`).join(" + ")};`;
  const ceGrad = (c: number) =>
    terms.crossentropy ? ` + (wy * s${c} - w${c} * y${c}) / f32(uniforms.pixels)` : "";
  return `
fn main() {
  let stride = i32(numWorkgroups.x) * 256;
  let dy = dyIn[0];
  for (var p = i32(workgroupId.x) * 256 + i32(localIndex); p < uniforms.pixels; p = p + stride) {
    ${softmaxOfPixel(classes, weighted)}
    ${g.join("\n    ")}
    ${sg}
    ${big}
    ${
    cs.map((c) => `result[p * ${classes} + ${c}] = dy * (s${c} * (g${c} - sg)${ceGrad(c)});`)
      .join("\n    ")
  }
  }
}
`;
}
