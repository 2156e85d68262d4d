package org.rtsite.inference;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.CtVolume;

/** Test packages built from the committed tiny networks, and analytic CT phantoms. */
final class Fixtures {
    private Fixtures() {
    }

    static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static ModelSpec tinySpec() {
        return ModelPackage.readSpec(resource("tiny"));
    }

    /** A package directory in {@code dir} holding both tiny networks and {@code edit(tiny spec)}. */
    static Path tinyPackage(Path dir, UnaryOperator<ModelSpec> edit) {
        try {
            Files.createDirectories(dir);
            for (String f : new String[] {"model.pt", "model.onnx"}) {
                Files.copy(resource("tiny/" + f), dir.resolve(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ModelPackage.writeSpec(edit.apply(tinySpec()), dir);
        return dir;
    }

    static float[] readFloats(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/" + resource)) {
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[b.remaining() / 4];
            b.asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** HU of a torso-like phantom at a patient position (mm): air, soft-tissue body, two lungs, a bony sphere. */
    static short phantomHu(Vec3 p) {
        double bx = p.x() / 32, by = p.y() / 26, bz = (p.z() - 10) / 38;
        if (bx * bx + by * by + bz * bz > 1) {
            return -1000;
        }
        if (p.distance(new Vec3(8, 4, 22)) < 9) {
            return 900;
        }
        for (double lx : new double[] {-15, 15}) {
            double ux = (p.x() - lx) / 9, uy = (p.y() + 3) / 12, uz = (p.z() - 5) / 20;
            if (ux * ux + uy * uy + uz * uz < 1) {
                return -780;
            }
        }
        return (short) (40 + 10 * Math.sin(p.x() / 7) * Math.cos(p.z() / 9));
    }

    static CtVolume phantom(ImageGrid grid) {
        short[] hu = new short[grid.voxelCount()];
        for (int k = 0; k < grid.nz(); k++) {
            for (int j = 0; j < grid.ny(); j++) {
                for (int i = 0; i < grid.nx(); i++) {
                    hu[grid.index(i, j, k)] = phantomHu(grid.toPatient(i, j, k));
                }
            }
        }
        return new CtVolume(grid, hu);
    }

    /** An axial 1.5 × 1.5 × 2 mm grid around the phantom. */
    static ImageGrid axialGrid() {
        return ImageGrid.axial(48, 40, 36, 1.5, 1.5, 2.0, new Vec3(-35.25, -29.25, -25));
    }
}
