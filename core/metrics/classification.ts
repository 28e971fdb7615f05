/**
 * Classification metrics with scikit-learn semantics: accuracy, F1 (per class, weighted,
 * macro), the confusion matrix and one-vs-rest ROC AUC (per class and macro).
 *
 * Inputs are true class indices `0 … numClasses-1` and one row of class scores
 * (probabilities) per sample; the predicted class is the row's argmax (first maximum on ties,
 * like `numpy.argmax`).
 *
 * @module
 */

/** Everything {@linkcode classificationMetrics} computes. */
export interface ClassificationMetrics {
  /** Fraction of samples whose argmax class equals the true class. */
  readonly accuracy: number;
  /** F1 of each class, `2·TP / (2·TP + FP + FN)`; 0 where that is 0/0 (sklearn's zero_division). */
  readonly f1PerClass: readonly number[];
  /** Support-weighted mean of the per-class F1 (sklearn `average="weighted"`). */
  readonly f1Weighted: number;
  /**
   * Unweighted mean of the per-class F1 over the classes that occur in the truth or the
   * predictions (sklearn `average="macro"` with `labels=None`).
   */
  readonly f1Macro: number;
  /** `[true][predicted]` sample counts, `numClasses × numClasses`. */
  readonly confusionMatrix: readonly (readonly number[])[];
  /** One-vs-rest ROC AUC per class; NaN for a class with no positive or no negative sample. */
  readonly rocAucPerClass: readonly number[];
  /** Unweighted mean of {@linkcode rocAucPerClass} (sklearn `multi_class="ovr"`, macro). */
  readonly rocAucMacro: number;
}

/** Index of the largest value of each row; the first one on ties (like `numpy.argmax`). */
export function argmaxRows(rows: readonly ArrayLike<number>[]): number[] {
  return rows.map((row) => {
    let best = 0;
    for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
    return best;
  });
}

/** Throws unless every label is an integer in `[0, numClasses)`. */
function checkLabels(labels: ArrayLike<number>, numClasses: number, what: string): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new RangeError(`${what}[${i}] = ${label} is not a class index in [0, ${numClasses})`);
    }
  }
}

/** Throws unless both label arrays have the same, non-zero length. */
function checkPaired(a: ArrayLike<unknown>, b: ArrayLike<unknown>, what: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${what}: ${a.length} true labels but ${b.length} predictions`);
  }
  if (a.length === 0) throw new RangeError(`${what}: no samples`);
}

/** `[true][predicted]` counts (sklearn `confusion_matrix` with `labels=range(numClasses)`). */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  numClasses: number,
): number[][] {
  checkPaired(yTrue, yPred, "confusionMatrix");
  checkLabels(yTrue, numClasses, "yTrue");
  checkLabels(yPred, numClasses, "yPred");
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) matrix[yTrue[i]][yPred[i]]++;
  return matrix;
}

/** Fraction of samples predicted correctly, from a confusion matrix. */
export function accuracyFromConfusion(matrix: readonly (readonly number[])[]): number {
  let correct = 0;
  let total = 0;
  matrix.forEach((row, t) => {
    correct += row[t];
    total += sum(row);
  });
  return correct / total;
}

/** Sum of the values. */
function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Column `c` of the matrix. */
function column(matrix: readonly (readonly number[])[], c: number): number[] {
  return matrix.map((row) => row[c]);
}

/** Per-class, weighted and macro F1 from a confusion matrix (sklearn semantics). */
export function f1FromConfusion(
  matrix: readonly (readonly number[])[],
): { perClass: number[]; weighted: number; macro: number } {
  const support = matrix.map(sum);
  const predicted = matrix.map((_, c) => sum(column(matrix, c)));
  const perClass = matrix.map((row, c) => {
    const denominator = support[c] + predicted[c];
    return denominator === 0 ? 0 : (2 * row[c]) / denominator;
  });
  const weighted = perClass.reduce((acc, f, c) => acc + f * support[c], 0) / sum(support);
  const present = perClass.filter((_, c) => support[c] + predicted[c] > 0);
  return { perClass, weighted, macro: sum(present) / present.length };
}

/**
 * Area under the ROC curve of scores against binary truth, as sklearn's `roc_auc_score`:
 * the trapezoid rule over the distinct score thresholds, so tied scores count half.
 * NaN when there is no positive or no negative sample.
 */
export function binaryRocAuc(positive: ArrayLike<boolean>, scores: ArrayLike<number>): number {
  checkPaired(positive, scores, "binaryRocAuc");
  const order = Array.from({ length: scores.length }, (_, i) => i);
  for (const i of order) {
    if (Number.isNaN(scores[i])) throw new RangeError(`binaryRocAuc: score ${i} is NaN`);
  }
  order.sort((a, b) => (scores[a] > scores[b] ? -1 : scores[a] < scores[b] ? 1 : 0));
  let tp = 0;
  let fp = 0;
  let doubleArea = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    let groupTp = 0;
    while (end < order.length && scores[order[end]] === scores[order[start]]) {
      if (positive[order[end]]) groupTp++;
      end++;
    }
    const groupFp = end - start - groupTp;
    doubleArea += groupFp * (2 * tp + groupTp);
    tp += groupTp;
    fp += groupFp;
    start = end;
  }
  return tp === 0 || fp === 0 ? Number.NaN : doubleArea / (2 * tp * fp);
}

/** One-vs-rest ROC AUC of each class's score column, and their unweighted mean. */
export function rocAucOneVsRest(
  yTrue: ArrayLike<number>,
  probabilities: readonly ArrayLike<number>[],
  numClasses: number,
): { perClass: number[]; macro: number } {
  checkPaired(yTrue, probabilities, "rocAucOneVsRest");
  checkLabels(yTrue, numClasses, "yTrue");
  const perClass = Array.from({ length: numClasses }, (_, c) => {
    const positive = Array.from(yTrue, (label) => label === c);
    return binaryRocAuc(positive, probabilities.map((row) => row[c]));
  });
  return { perClass, macro: sum(perClass) / numClasses };
}

/** Throws unless every row has one score per class. */
function checkRows(rows: readonly ArrayLike<number>[], numClasses: number): void {
  rows.forEach((row, i) => {
    if (row.length !== numClasses) {
      throw new RangeError(`probabilities[${i}] has ${row.length} values, not ${numClasses}`);
    }
  });
}

/**
 * All classification metrics for true class indices and per-sample class probabilities.
 *
 * Unlike sklearn, which raises, a class without positive samples gets a NaN ROC AUC, which
 * makes {@linkcode ClassificationMetrics.rocAucMacro} NaN too.
 */
export function classificationMetrics(
  yTrue: ArrayLike<number>,
  probabilities: readonly ArrayLike<number>[],
  numClasses: number,
): ClassificationMetrics {
  checkRows(probabilities, numClasses);
  const matrix = confusionMatrix(yTrue, argmaxRows(probabilities), numClasses);
  const f1 = f1FromConfusion(matrix);
  const auc = rocAucOneVsRest(yTrue, probabilities, numClasses);
  return {
    accuracy: accuracyFromConfusion(matrix),
    f1PerClass: f1.perClass,
    f1Weighted: f1.weighted,
    f1Macro: f1.macro,
    confusionMatrix: matrix,
    rocAucPerClass: auc.perClass,
    rocAucMacro: auc.macro,
  };
}
