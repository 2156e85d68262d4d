/**
 * Accuracy of predicted region labels against expert labels (ALGORITHM.md §4): {@link
 * org.rtsite.eval.labels.LabelEvaluation} (entry point) with confusion matrix, per-class metrics and
 * confidence intervals.
 */
package org.rtsite.eval.labels;
