/**
 * Anatomy of synthetic short-axis cine slices: per-patient parameters drawn from
 * diagnosis-specific distributions, and the heart's shape at a slice position and phase.
 *
 * Sizes are in mm. The diagnoses differ the way they do in ACDC: DCM has a dilated LV with a
 * thin wall and poor ejection; HCM a thick myocardium and a small cavity that almost closes
 * at end-systole; MINF an akinetic, thinned segment; RV a dilated, poorly contracting right
 * ventricle; NOR normal values.
 *
 * @module
 */
import { type Diagnosis, normal, type Phase, type Random } from "../../../mod.ts";

/** Mean and standard deviation of a normally distributed parameter. */
type Spread = readonly [mean: number, sd: number];

/** Diagnosis-specific distributions of the heart's parameters. */
interface GroupAnatomy {
  /** LV cavity radius at end-diastole, mid-ventricle. */
  readonly lvRadius: Spread;
  /** Myocardial wall thickness at end-diastole. */
  readonly wall: Spread;
  /** LV ejection fraction. */
  readonly lvEf: Spread;
  /** RV size relative to the LV cavity radius. */
  readonly rvScale: Spread;
  /** RV ejection fraction. */
  readonly rvEf: Spread;
}

const GROUPS: Readonly<Record<Diagnosis, GroupAnatomy>> = {
  NOR: {
    lvRadius: [24, 2],
    wall: [8, 0.8],
    lvEf: [0.62, 0.04],
    rvScale: [1, 0.08],
    rvEf: [0.55, 0.05],
  },
  MINF: {
    lvRadius: [28, 2.5],
    wall: [8, 0.8],
    lvEf: [0.35, 0.05],
    rvScale: [1, 0.08],
    rvEf: [0.5, 0.05],
  },
  DCM: {
    lvRadius: [34, 3],
    wall: [5.5, 0.6],
    lvEf: [0.2, 0.05],
    rvScale: [0.95, 0.08],
    rvEf: [0.4, 0.06],
  },
  HCM: {
    lvRadius: [20, 2],
    wall: [15, 1.8],
    lvEf: [0.72, 0.04],
    rvScale: [1.05, 0.08],
    rvEf: [0.6, 0.05],
  },
  RV: {
    lvRadius: [23, 2],
    wall: [8, 0.8],
    lvEf: [0.58, 0.05],
    rvScale: [1.6, 0.12],
    rvEf: [0.3, 0.06],
  },
};

/** A thinned, akinetic myocardial segment (previous infarction). */
export interface Scar {
  /** Centre angle in the heart's frame (radians). */
  readonly angle: number;
  /** Angular width (radians). */
  readonly span: number;
  /** Wall thickness in the segment. */
  readonly thickness: number;
}

/** Everything drawn once per patient. */
export interface PatientAnatomy {
  readonly group: Diagnosis;
  /** In-plane pixel size. */
  readonly spacing: number;
  /** Heart centre relative to the image centre `[x, y]`. */
  readonly center: readonly [number, number];
  /** Direction from the LV to the RV (radians, image frame). */
  readonly angle: number;
  readonly lvRadius: number;
  /** LV cavity eccentricity (0 = round) and its axis angle. */
  readonly eccentricity: number;
  readonly eccentricityAxis: number;
  readonly wall: number;
  readonly lvEf: number;
  readonly rvScale: number;
  readonly rvEf: number;
  readonly scar?: Scar;
  /** Body size factor (moves and scales the chest around the heart). */
  readonly body: number;
  /** Multipliers of each tissue's brightness for this patient. */
  readonly contrast: readonly number[];
}

/** The heart at one slice position and phase. */
export interface HeartSlice {
  /** LV cavity radius (0 when the slice is past the apex). */
  readonly cavity: number;
  /** Wall thickness at angle `phi` in the heart's frame. */
  readonly wallAt: (phi: number) => number;
  /** RV ellipse: centre distance along the LV→RV axis and semi-axes; absent near the apex. */
  readonly rv?: { readonly offset: number; readonly along: number; readonly across: number };
  /** Papillary muscle radius (inside the LV cavity, labelled LV as in ACDC). */
  readonly papillary: number;
}

const draw = (random: Random, [mean, sd]: Spread, min = 0) =>
  Math.max(min, mean + sd * normal(random));

/** Draws a patient of the given diagnosis. */
export function sampleAnatomy(group: Diagnosis, random: Random, tissues: number): PatientAnatomy {
  const g = GROUPS[group];
  const lvRadius = draw(random, g.lvRadius, 12);
  const wall = draw(random, g.wall, 3);
  const scar = group === "MINF"
    ? {
      angle: random() * 2 * Math.PI,
      span: (70 + 40 * random()) * Math.PI / 180,
      thickness: Math.max(2, wall * (0.3 + 0.15 * random())),
    }
    : undefined;
  return {
    group,
    spacing: Math.fround(1.9 + 0.6 * random()), // float32, as NIfTI stores it
    center: [12 * normal(random), 12 * normal(random)],
    angle: Math.PI + (random() - 0.5) * 1.2,
    lvRadius,
    eccentricity: 0.08 * random(),
    eccentricityAxis: random() * Math.PI,
    wall,
    lvEf: draw(random, g.lvEf, 0.08),
    rvScale: draw(random, g.rvScale, 0.6),
    rvEf: draw(random, g.rvEf, 0.1),
    ...(scar ? { scar } : {}),
    body: 0.9 + 0.2 * random(),
    contrast: Array.from({ length: tissues }, () => 1 + 0.08 * normal(random)),
  };
}

/** Shrinks from base (position 0) to apex (position 1). */
function taper(position: number, strength: number): number {
  return Math.sqrt(Math.max(0, 1 - strength * position * position));
}

/**
 * The heart at slice `position` (0 = base, 1 = apex) and `phase`. The myocardium keeps its
 * area between ED and ES (it thickens as the cavity shrinks), except in a scar.
 */
export function heartAt(anatomy: PatientAnatomy, position: number, phase: Phase): HeartSlice {
  const edCavity = anatomy.lvRadius * taper(position, 0.85);
  const systole = phase === "ES";
  const cavity = systole ? edCavity * Math.sqrt(1 - anatomy.lvEf) : edCavity;
  const wallEd = anatomy.wall * (1 - 0.15 * position);
  const thicken = (w: number) =>
    systole ? Math.sqrt(cavity ** 2 + 2 * edCavity * w + w * w) - cavity : w;
  const normalWall = thicken(wallEd);
  const scar = anatomy.scar;
  const wallAt = (phi: number): number => {
    if (!scar) return normalWall;
    const distance = Math.abs(Math.atan2(Math.sin(phi - scar.angle), Math.cos(phi - scar.angle)));
    const blend = Math.min(1, Math.max(0, (distance - scar.span / 2) / 0.25));
    return scar.thickness + (normalWall - scar.thickness) * blend;
  };
  const rvSize = anatomy.rvScale * anatomy.lvRadius * taper(position, 1.1) *
    (systole ? Math.sqrt(1 - anatomy.rvEf) : 1);
  const rv = rvSize > 4
    ? { offset: (cavity + normalWall) * 0.85, along: rvSize * 0.95, across: rvSize * 1.5 }
    : undefined;
  return { cavity, wallAt, ...(rv ? { rv } : {}), papillary: 0.12 * edCavity };
}

/** Slice positions from base to apex for `count` slices. */
export function slicePositions(count: number): number[] {
  if (count === 1) return [0.4];
  return Array.from({ length: count }, (_, k) => 0.05 + 0.87 * k / (count - 1));
}
