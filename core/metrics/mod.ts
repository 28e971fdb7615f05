/**
 * Evaluation metrics: classification (accuracy, F1, ROC AUC) and segmentation (IoU, Dice,
 * sensitivity, specificity).
 *
 * @module
 */
export * from "./classification.ts";
export * from "./segmentation.ts";
