/**
 * Voxel grids in DICOM patient coordinates and what moves data between them: {@link
 * org.rtsite.core.geometry.ImageGrid} (the central type), index boxes, affine maps, axis reorders and
 * nearest-neighbour resampling.
 */
package org.rtsite.core.geometry;
