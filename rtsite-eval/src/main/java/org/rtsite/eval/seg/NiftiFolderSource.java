package org.rtsite.eval.seg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.nifti.Nifti;

/**
 * One NIfTI file per structure in a folder (TotalSegmentator's default output): the structure name
 * is the file name without {@code .nii} or {@code .nii.gz}; non-zero voxels are inside. Files are
 * read only when their mask is asked for.
 */
public final class NiftiFolderSource implements SegmentationSource {

    private final Path folder;
    private final TreeMap<String, Path> files = new TreeMap<>();

    public NiftiFolderSource(Path folder) {
        this.folder = folder;
        if (!Files.isDirectory(folder)) {
            throw new InvalidInputException("segmentation folder " + folder + " does not exist or is not a folder");
        }
        try (Stream<Path> list = Files.list(folder)) {
            list.forEach(p -> {
                String n = p.getFileName().toString();
                String name = n.endsWith(".nii.gz") ? n.substring(0, n.length() - 7)
                        : n.endsWith(".nii") ? n.substring(0, n.length() - 4) : null;
                if (name != null && files.put(name, p) != null) {
                    throw new InvalidInputException("segmentation folder " + folder + " holds structure '" + name
                            + "' twice (.nii and .nii.gz)");
                }
            });
        } catch (IOException e) {
            throw new RtsiteIOException("cannot list segmentation folder " + folder, e);
        }
        if (files.isEmpty()) {
            throw new InvalidInputException("segmentation folder " + folder + " holds no .nii or .nii.gz file");
        }
    }

    @Override
    public String description() {
        return folder.toString();
    }

    @Override
    public Set<String> structures() {
        return Collections.unmodifiableSet(files.keySet());
    }

    @Override
    public Optional<BinaryMask> mask(String structure) {
        Path p = files.get(structure);
        return p == null ? Optional.empty() : Optional.of(Nifti.readMask(p, structure));
    }
}
