/**
 * The decision tree of ALGORITHM.md §3 on per-organ metrics: {@link
 * org.rtsite.core.decision.DecisionTree} (entry point), its rules, trace and the structural choices
 * calibration searches ({@link org.rtsite.core.decision.DecisionPolicy}).
 */
package org.rtsite.core.decision;
