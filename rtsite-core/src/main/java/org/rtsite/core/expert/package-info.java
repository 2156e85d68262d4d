/**
 * The paper's manual expert protocol automated as a second classifier behind the same inputs and
 * results: {@link org.rtsite.core.expert.ExpertProtocolClassifier} (entry point) and the measurements
 * it adds (organ penetration, region length, femoral heads).
 */
package org.rtsite.core.expert;
