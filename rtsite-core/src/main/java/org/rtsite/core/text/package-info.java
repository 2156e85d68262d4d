/**
 * Classification from a plan's text (names, labels, descriptions) and its comparison with the
 * dose-based result: {@link org.rtsite.core.text.TextSiteClassifier} (entry point).
 */
package org.rtsite.core.text;
