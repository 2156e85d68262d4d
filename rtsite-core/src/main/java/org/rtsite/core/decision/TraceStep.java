package org.rtsite.core.decision;

/**
 * One step of the decision tree as it ran on a plan.
 *
 * @param rule   the step
 * @param fired  whether this step decided the labels
 * @param detail the step's inputs and outcome in words, e.g. {@code brain dice85 0.812 > 0.4}
 */
public record TraceStep(Rule rule, boolean fired, String detail) {
}
