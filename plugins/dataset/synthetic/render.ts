/**
 * Rendering of synthetic short-axis slices: a chest (body, subcutaneous fat, lungs,
 * liver, aorta, spine) around a heart from `synthetic_anatomy.ts`, with smooth texture,
 * a bias field, partial-volume blur and Rician noise, plus the ACDC label map.
 *
 * @module
 */
import {
  boxBlur,
  normal,
  type Phase,
  type Random,
  resizeBilinear,
  seededRandom,
} from "../../../mod.ts";
import { heartAt, type HeartSlice, type PatientAnatomy } from "./anatomy.ts";

/** Tissue classes and their mean brightness (cine SSFP-like, blood bright). */
export const TISSUES = {
  air: 0.02,
  soft: 0.38,
  fat: 0.8,
  lung: 0.07,
  liver: 0.45,
  blood: 0.9,
  myocardium: 0.28,
  spine: 0.22,
} as const;
type Tissue = keyof typeof TISSUES;
const TISSUE_NAMES = Object.keys(TISSUES) as Tissue[];

/** Number of tissue classes (for per-patient contrast factors). */
export const TISSUE_COUNT = TISSUE_NAMES.length;

/** A rendered slice: intensities (arbitrary scanner units) and labels 0..3. */
export interface RenderedSlice {
  readonly image: Float32Array;
  readonly label: Uint8Array;
}

/** Label values (ACDC numbering). */
const RV = 1, MYO = 2, LV = 3;

interface Ellipse {
  readonly cx: number;
  readonly cy: number;
  readonly rx: number;
  readonly ry: number;
}

/** Length of `(a, b)` (faster than `Math.hypot`, which matters per pixel). */
const norm = (a: number, b: number) => Math.sqrt(a * a + b * b);

function inside(e: Ellipse, x: number, y: number, grow = 0): boolean {
  const dx = (x - e.cx) / (e.rx + grow), dy = (y - e.cy) / (e.ry + grow);
  return dx * dx + dy * dy <= 1;
}

/** The chest around the heart, in mm relative to the image centre; apical slices show liver. */
function chestTissue(anatomy: PatientAnatomy, position: number): (x: number, y: number) => Tissue {
  const b = anatomy.body;
  const [hx, hy] = anatomy.center;
  const bx = hx - 35 * b, by = hy + 30 * b;
  const body = { cx: bx, cy: by, rx: 165 * b, ry: 120 * b };
  const lungs = [
    { cx: bx + 105 * b, cy: by - 5, rx: 50 * b, ry: 72 * b },
    { cx: bx - 95 * b, cy: by - 5, rx: 55 * b, ry: 78 * b },
  ];
  const liver = { cx: bx - 40 * b, cy: by + 45 * b, rx: 90 * b, ry: 60 * b };
  const showLiver = position > 0.55;
  const aorta = { cx: bx + 20 * b, cy: by + 70 * b, rx: 11, ry: 11 };
  const spine = { cx: bx, cy: by + 95 * b, rx: 18 * b, ry: 16 * b };
  return (x, y) => {
    if (!inside(body, x, y)) return "air";
    if (!inside(body, x, y, -12 * b)) return "fat";
    if (inside(aorta, x, y)) return "blood";
    if (inside(spine, x, y)) return "spine";
    if (showLiver && inside(liver, x, y)) return "liver";
    if (lungs.some((lung) => inside(lung, x, y))) return "lung";
    return "soft";
  };
}

/** Tissue and label of a heart point (`u` towards the RV), or `undefined` outside the heart. */
function heartTissue(
  heart: HeartSlice,
  anatomy: PatientAnatomy,
  u: number,
  v: number,
): readonly [Tissue, number] | undefined {
  const phi = Math.atan2(v, u);
  const stretch = 1 + anatomy.eccentricity * Math.cos(2 * (phi - anatomy.eccentricityAxis));
  const r = norm(u, v) / stretch;
  const epi = heart.cavity + heart.wallAt(phi);
  if (heart.cavity > 0 && r < heart.cavity) {
    const px = heart.cavity * 0.62, py = heart.cavity * 0.45;
    const papillary = norm(u + px, v - py) < heart.papillary ||
      norm(u + px, v + py) < heart.papillary;
    return papillary ? PAPILLARY : LV_BLOOD;
  }
  if (r < epi) return MYOCARDIUM;
  const rv = heart.rv;
  if (rv) {
    const e = { cx: rv.offset, cy: 0, rx: rv.along, ry: rv.across };
    if (inside(e, u, v, -2.5) && r >= epi + 1) return RV_BLOOD;
    if (inside(e, u, v)) return RV_WALL;
  }
  if (r < epi + 2.5 && Math.cos(phi + 2) > 0.3) return EPICARDIAL_FAT;
  return undefined;
}

const LV_BLOOD = ["blood", LV] as const, PAPILLARY = ["myocardium", LV] as const;
const MYOCARDIUM = ["myocardium", MYO] as const, RV_BLOOD = ["blood", RV] as const;
const RV_WALL = ["myocardium", 0] as const, EPICARDIAL_FAT = ["fat", 0] as const;

/** Distance from the heart centre (mm) beyond which nothing belongs to the heart. */
function heartReach(heart: HeartSlice, anatomy: PatientAnatomy): number {
  const lv = (heart.cavity + Math.max(heart.wallAt(0), heart.wallAt(Math.PI))) *
    (1 + anatomy.eccentricity);
  const rv = heart.rv ? norm(heart.rv.offset + heart.rv.along, heart.rv.across) : 0;
  return Math.max(lv + 3, rv) + 2 * anatomy.spacing;
}

/** A smooth random field `f(z)`, `z` standard normal on a coarse grid, bilinearly upsampled. */
function smoothField(
  size: number,
  coarse: number,
  random: Random,
  f: (z: number) => number,
): Float32Array {
  const grid = Float32Array.from({ length: coarse * coarse }, () => f(normal(random)));
  return resizeBilinear(grid, coarse, coarse, size, size);
}

/** Standard normal samples to draw per-pixel noise from (faster than Box–Muller per pixel). */
const tableRandom = seededRandom(8192);
const NORMAL_TABLE = Float32Array.from({ length: 8192 }, () => normal(tableRandom));

/** What one slice position shares between ED and ES (same anatomy outside the heart). */
export interface SliceScene {
  readonly anatomy: PatientAnatomy;
  readonly position: number;
  readonly size: number;
  /** Brightness of the chest around the heart, per pixel. */
  readonly background: Float32Array;
  /** Multiplicative texture × bias field, per pixel. */
  readonly shading: Float32Array;
  /** Peak intensity in scanner units. */
  readonly gain: number;
  /** Noise standard deviation relative to blood brightness. */
  readonly noise: number;
}

/** Draws the texture, bias field, gain and noise level of one slice position. */
export function sliceScene(
  anatomy: PatientAnatomy,
  position: number,
  size: number,
  random: Random,
): SliceScene {
  const texture = smoothField(size, 12, random, (z) => 1 + 0.07 * z);
  const bias = smoothField(size, 3, random, (z) => Math.exp(0.18 * z));
  const shading = texture.map((t, i) => t * bias[i]);
  const chest = chestTissue(anatomy, position);
  const background = new Float32Array(size * size);
  forEachPixel(size, anatomy.spacing, (i, x, y) => {
    background[i] = brightnessOf(chest(x, y), anatomy);
  });
  const gain = 500 + 400 * random(), noise = 0.02 + 0.03 * random();
  return { anatomy, position, size, background, shading, gain, noise };
}

function brightnessOf(tissue: Tissue, anatomy: PatientAnatomy): number {
  return TISSUES[tissue] * anatomy.contrast[TISSUE_NAMES.indexOf(tissue)];
}

/** Calls `fn(index, x, y)` for every pixel, `x`, `y` in mm from the image centre. */
function forEachPixel(
  size: number,
  spacing: number,
  fn: (index: number, x: number, y: number) => void,
  rows: readonly [number, number] = [0, size],
  cols: readonly [number, number] = [0, size],
): void {
  for (let row = rows[0]; row < rows[1]; row++) {
    const y = (row + 0.5 - size / 2) * spacing;
    for (let col = cols[0]; col < cols[1]; col++) {
      fn(row * size + col, (col + 0.5 - size / 2) * spacing, y);
    }
  }
}

/** Renders the scene at a phase: integer intensities and the label map. */
export function renderSlice(scene: SliceScene, phase: Phase, random: Random): RenderedSlice {
  const { anatomy, size } = scene;
  const heart = heartAt(anatomy, scene.position, phase);
  const cos = Math.cos(anatomy.angle), sin = Math.sin(anatomy.angle);
  const brightness = scene.background.slice();
  const label = new Uint8Array(size * size);
  const [rows, cols] = heartBox(scene, heart);
  forEachPixel(
    size,
    anatomy.spacing,
    (i, x, y) => {
      const dx = x - anatomy.center[0], dy = y - anatomy.center[1];
      const found = heartTissue(heart, anatomy, dx * cos + dy * sin, -dx * sin + dy * cos);
      if (!found) return;
      brightness[i] = brightnessOf(found[0], anatomy);
      label[i] = found[1];
    },
    rows,
    cols,
  );
  const image = boxBlur(brightness, size, size, 1); // partial volume at tissue borders
  for (let i = 0; i < image.length; i++) {
    const re = image[i] * scene.shading[i] + scene.noise * gaussian(random);
    image[i] = Math.round(norm(re, scene.noise * gaussian(random)) * scene.gain);
  }
  return { image, label };
}

/** A standard normal sample from the table. */
function gaussian(random: Random): number {
  return NORMAL_TABLE[Math.floor(random() * NORMAL_TABLE.length)];
}

/** Row and column ranges (pixels) that can hold heart tissue. */
function heartBox(scene: SliceScene, heart: HeartSlice): [[number, number], [number, number]] {
  const { anatomy, size } = scene;
  const reach = heartReach(heart, anatomy) / anatomy.spacing;
  const range = (mm: number): [number, number] => {
    const centre = mm / anatomy.spacing + size / 2;
    return [Math.max(0, Math.floor(centre - reach)), Math.min(size, Math.ceil(centre + reach))];
  };
  return [range(anatomy.center[1]), range(anatomy.center[0])];
}
