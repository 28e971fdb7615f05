/**
 * The in-memory cohort every dataset plugin produces: patients with a diagnosis and
 * their 2-D short-axis slices with segmentation labels.
 *
 * @module
 */

/** Diagnostic groups of ACDC, in the fixed order used for class indices. */
export const DIAGNOSES = ["NOR", "MINF", "DCM", "HCM", "RV"] as const;

/** One of {@linkcode DIAGNOSES}. */
export type Diagnosis = typeof DIAGNOSES[number];

/** Segmentation classes, in label-value order (0 = background). */
export const SEGMENTATION_CLASSES = ["background", "RV", "MYO", "LV"] as const;

/** Cardiac phase of a frame. */
export type Phase = "ED" | "ES";

/** A patient and their diagnosis. */
export interface Patient {
  readonly id: string;
  readonly group: Diagnosis;
}

/** One 2-D slice, row-major, with its segmentation label map. */
export interface Slice {
  readonly patientId: string;
  readonly group: Diagnosis;
  readonly phase: Phase;
  /** Position in the stack, 0 = base. */
  readonly sliceIndex: number;
  readonly height: number;
  readonly width: number;
  /** Intensities, `height * width` values. */
  readonly image: Float32Array;
  /** Label values 0..3, `height * width` values. */
  readonly label: Uint8Array;
  /** In-plane voxel spacing in mm `[row, column]`, when known. */
  readonly spacing?: readonly [number, number];
  /** Distance between neighbouring slices of the stack in mm, when known. */
  readonly sliceSpacing?: number;
  /** The file its image was read from, for messages. */
  readonly source?: string;
  /** The file its label map was read from, when another one. */
  readonly labelSource?: string;
  /**
   * A problem the reader found that makes the slice unusable (e.g. image/label shape
   * mismatch); the data guards reject or drop the slice with it.
   */
  readonly defect?: string;
}

/** A patient-level split given by the data source (e.g. list files). */
export interface PredefinedSplit {
  readonly train: readonly string[];
  readonly val: readonly string[];
  readonly test: readonly string[];
}

/** Everything a dataset plugin loads. */
export interface Cohort {
  readonly patients: readonly Patient[];
  readonly slices: readonly Slice[];
  /** Present when the source fixes which patient goes where. */
  readonly predefinedSplit?: PredefinedSplit;
}

/** Class index of a diagnosis in {@linkcode DIAGNOSES}. */
export function diagnosisIndex(group: Diagnosis): number {
  return DIAGNOSES.indexOf(group);
}

/** Whether a string is one of the known diagnoses. */
export function isDiagnosis(value: string): value is Diagnosis {
  return (DIAGNOSES as readonly string[]).includes(value);
}
