import java.nio.file.Path;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.samples.PhantomArchive;

/**
 * Writes N phantom plans on clinical-size CT grids (512 x 512 x NZ, 0.98 mm pixels, 2 mm slices
 * centred on each scene's z-range) under OUT/plan-NN/, the scenes taken in turn. Used by the
 * start-up and throughput scripts next to it (docs/PERFORMANCE.md). Run from the repository root
 * after building the CLI (./rtsite --version):
 *   java -cp 'rtsite-examples/target/lib/*' rtsite-benchmarks/scripts/WriteClinicalPlans.java OUT N [NZ]
 */
public class WriteClinicalPlans {
    public static void main(String[] args) {
        Path out = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        int nz = args.length > 2 ? Integer.parseInt(args[2]) : 125;
        PhantomScene[] scenes = PhantomScene.values();
        for (int i = 0; i < n; i++) {
            PhantomScene s = scenes[i % scenes.length];
            ImageGrid g = s.ctGrid();
            double zc = g.origin().z() + (g.nz() - 1) * g.dz() / 2;
            double dz = 2.0;
            ImageGrid ct = ImageGrid.axial(512, 512, nz, 500.0 / 512, 500.0 / 512, dz,
                    new Vec3(-250, -250, zc - (nz - 1) * dz / 2));
            PhantomArchive.Patient p = PhantomArchive.write(out.resolve(String.format("plan-%02d", i)), s,
                    s.build(ct, Vec3.ZERO));
            System.out.println(p.planFile() + " " + s.cliName() + " expected " + s.expectedLabels());
        }
    }
}
