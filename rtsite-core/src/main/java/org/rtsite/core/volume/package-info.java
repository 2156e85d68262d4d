/**
 * Volumes on a grid: CT in HU, dose in Gy, label maps and binary masks, gathered per plan in {@link
 * org.rtsite.core.volume.OrganMasks} (entry point for mask input).
 */
package org.rtsite.core.volume;
