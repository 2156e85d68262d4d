/**
 * Single-file NIfTI-1 volumes: {@link org.rtsite.nifti.Nifti} (entry point) reads and writes them and
 * gives their grid in DICOM LPS millimetres.
 */
package org.rtsite.nifti;
