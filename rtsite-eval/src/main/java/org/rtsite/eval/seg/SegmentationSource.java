package org.rtsite.eval.seg;

import java.util.Optional;
import java.util.Set;
import org.rtsite.core.volume.BinaryMask;

/**
 * Structures of one case from one origin (a NIfTI label map, a folder of per-structure NIfTI
 * files, an {@link org.rtsite.core.segment.OrganSegmenter}'s masks; RTSTRUCT contours once the
 * DICOM module rasterizes them). Masks are produced on demand so that a source never has to hold
 * every structure of a case at once.
 */
public interface SegmentationSource {

    /** What this source is, for reports and error messages (a file, a model name). */
    String description();

    /** Structure names as the source spells them. */
    Set<String> structures();

    /** The mask of one structure, if the source has it. */
    Optional<BinaryMask> mask(String structure);
}
