/**
 * Counting organ ∩ isodose voxels over an isodose box: the {@link
 * org.rtsite.core.overlap.OverlapBackend} service (the CPU reference here, CUDA in rtsite-gpu-jcuda),
 * chosen by {@link org.rtsite.core.overlap.OverlapBackends} (entry point).
 */
package org.rtsite.core.overlap;
