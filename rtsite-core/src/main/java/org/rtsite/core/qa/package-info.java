/**
 * The picture a physicist opens to judge a label: {@link org.rtsite.core.qa.QaPicture} (entry point)
 * draws CT slices through the V85 centre of mass with organs and isodoses.
 */
package org.rtsite.core.qa;
