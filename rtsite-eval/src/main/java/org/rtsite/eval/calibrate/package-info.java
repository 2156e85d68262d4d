/**
 * Calibration of the decision tree's thresholds and policy against expert labels with
 * cross-validation: {@link org.rtsite.eval.calibrate.Calibrator} (entry point).
 */
package org.rtsite.eval.calibrate;
