/**
 * What a classification produces, as immutable values: {@link org.rtsite.core.result.SiteResult}
 * (entry point) with its organ metrics, landmarks and crop, and its JSON form ({@link
 * org.rtsite.core.result.SiteResultJson}).
 */
package org.rtsite.core.result;
