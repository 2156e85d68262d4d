/**
 * The classifier's preparation stages (ALGORITHM.md §1): the z-crop ({@link
 * org.rtsite.core.prepare.CropPlanner}), dose resampling, the mask survey and the isodose box with the
 * split bowel ({@link org.rtsite.core.prepare.BoxCutter}). Used by {@link
 * org.rtsite.core.SiteClassifier}.
 */
package org.rtsite.core.prepare;
