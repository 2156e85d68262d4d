package org.rtsite.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import org.rtsite.core.InvalidInputException;

/**
 * How stage 3 classifies: the mask source, the per-plan files to write and the overlap backend. Sent to
 * the executors, where equal options share one classifier (and segmenter) per JVM. Paths are as every
 * executor sees them.
 *
 * @param niftiDir           TotalSegmentator outputs (masks from NIfTI), or null
 * @param segmenterPackages  rtsite model packages (masks from the DJL segmenter), or empty
 * @param json               write OUT/json/NAME.json per classified plan
 * @param isodose            write OUT/isodose/NAME.dcm (V85/V50 isodose RTSTRUCT)
 * @param qa                 write OUT/qa/NAME.png (QA picture)
 * @param backend            overlap backend: auto, cpu, cuda
 * @param planlessDoses      also classify doses that no plan claims (as {@code rtsite classify} does by default)
 */
public record ClassifyOptions(String niftiDir, List<String> segmenterPackages, boolean json, boolean isodose,
                              boolean qa, String backend, boolean planlessDoses) implements Serializable {

    public ClassifyOptions {
        segmenterPackages = List.copyOf(segmenterPackages);
        Objects.requireNonNull(backend, "backend");
        if (niftiDir != null && !segmenterPackages.isEmpty()) {
            throw new InvalidInputException("masks come from NIfTI files or from a segmenter, not both: nifti "
                    + niftiDir + ", segmenter " + segmenterPackages);
        }
    }

    /** Masks from each plan's RTSTRUCT, no per-plan files, backend auto, doses without plan classified. */
    public static ClassifyOptions defaults() {
        return new ClassifyOptions(null, List.of(), false, false, false, "auto", true);
    }

    public ClassifyOptions withNifti(String folder) {
        return new ClassifyOptions(Objects.requireNonNull(folder, "folder"), List.of(), json, isodose, qa, backend,
                planlessDoses);
    }

    public ClassifyOptions withSegmenter(List<String> packages) {
        if (packages.isEmpty()) {
            throw new InvalidInputException("a segmenter needs at least one model package");
        }
        return new ClassifyOptions(null, packages, json, isodose, qa, backend, planlessDoses);
    }

    public ClassifyOptions withJson(boolean json) {
        return new ClassifyOptions(niftiDir, segmenterPackages, json, isodose, qa, backend, planlessDoses);
    }

    public ClassifyOptions withIsodose(boolean isodose) {
        return new ClassifyOptions(niftiDir, segmenterPackages, json, isodose, qa, backend, planlessDoses);
    }

    public ClassifyOptions withQa(boolean qa) {
        return new ClassifyOptions(niftiDir, segmenterPackages, json, isodose, qa, backend, planlessDoses);
    }

    public ClassifyOptions withBackend(String backend) {
        return new ClassifyOptions(niftiDir, segmenterPackages, json, isodose, qa, backend, planlessDoses);
    }

    public ClassifyOptions withPlanlessDoses(boolean planlessDoses) {
        return new ClassifyOptions(niftiDir, segmenterPackages, json, isodose, qa, backend, planlessDoses);
    }
}
