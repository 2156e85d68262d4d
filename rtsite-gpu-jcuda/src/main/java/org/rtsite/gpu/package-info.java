/**
 * Overlap counting on an NVIDIA GPU through JCuda: {@link org.rtsite.gpu.CudaOverlapBackend} (entry
 * point), the {@code cuda} {@link org.rtsite.core.overlap.OverlapBackend} found by the service loader
 * when a device is usable.
 */
package org.rtsite.gpu;
