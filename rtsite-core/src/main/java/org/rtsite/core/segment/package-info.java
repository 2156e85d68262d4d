/**
 * The segmenter contract: {@link org.rtsite.core.segment.OrganSegmenter} turns a CT into organ masks;
 * implementations live in other modules (rtsite-inference-djl).
 */
package org.rtsite.core.segment;
