/**
 * The classifier's entry point and its inputs: {@link org.rtsite.core.SiteClassifier} (built once,
 * immutable, thread-safe) classifies a {@link org.rtsite.core.PlanInput} with the thresholds of a
 * {@link org.rtsite.core.ClassifierConfig} or {@link org.rtsite.core.ClassifierSettings}. Owns the
 * exception family every module throws ({@link org.rtsite.core.RtsiteException}). Depends on no other
 * rtsite module.
 */
package org.rtsite.core;
