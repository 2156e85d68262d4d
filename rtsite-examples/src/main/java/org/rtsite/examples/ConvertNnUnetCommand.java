package org.rtsite.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.rtsite.core.RtsiteException;
import org.rtsite.inference.ModelPackage;
import org.rtsite.inference.ModelSpec;
import org.rtsite.inference.NnUnetConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rtsite convert-nnunet}: turns an exported nnU-Net v2 network and its results folder's JSONs into a model package. */
@Command(name = "convert-nnunet", mixinStandardHelpOptions = true,
        description = "Build an rtsite model package from an nnU-Net v2 results folder (plans.json, dataset.json) "
                + "and a network exported to TorchScript (.pt) or ONNX (.onnx). See docs/inference.md.")
public final class ConvertNnUnetCommand implements Callable<Integer> {

    @Option(names = "--plans", required = true, description = "nnU-Net v2 plans.json")
    Path plans;

    @Option(names = "--dataset", required = true, description = "nnU-Net v2 dataset.json")
    Path dataset;

    @Option(names = "--network", required = true, description = "exported network: .pt (TorchScript) or .onnx")
    Path network;

    @Option(names = "--task", required = true, description = "task name, e.g. total, head_glands_cavities")
    String task;

    @Option(names = "--configuration", defaultValue = "3d_fullres", description = "plans configuration (default: ${DEFAULT-VALUE})")
    String configuration;

    @Option(names = "--mirror-axes", split = ",", description = "test-time mirroring axes, e.g. 0,1,2 (TotalSegmentator: none)")
    List<Integer> mirrorAxes = List.of();

    @Option(names = "--auxiliary-labels", split = ",", description = "output channels to drop, e.g. 12,13,14,15")
    List<Integer> auxiliaryLabels = List.of();

    @Option(names = "--tile-step", defaultValue = "0.5", description = "sliding-window step as a fraction of the patch (default: ${DEFAULT-VALUE})")
    double tileStep;

    @Option(names = "--reader-axes", description = "axis order of the image reader if not NibabelIOWithReorient (RAS)")
    String readerAxes;

    @Option(names = {"-o", "--out"}, required = true, description = "package directory to create")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(network)) {
            System.err.println("rtsite convert-nnunet: network file " + network + " does not exist");
            return 2;
        }
        try {
            ModelSpec spec = NnUnetConverter.convert(plans, dataset, new NnUnetConverter.Options(task,
                    network.getFileName().toString(), configuration, mirrorAxes, tileStep, Set.copyOf(auxiliaryLabels), readerAxes));
            Files.createDirectories(out);
            Files.copy(network, out.resolve(network.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            ModelPackage.writeSpec(spec, out);
            System.out.printf("wrote %s: task %s, %s, %d classes, patch %s at %s mm, axes %s%n", out, spec.task(),
                    spec.engine(), spec.numClasses(), spec.patchSize(), spec.targetSpacing(), spec.axisOrder());
            return 0;
        } catch (RtsiteException e) {
            System.err.println("rtsite convert-nnunet: " + e.getMessage());
            return 2;
        }
    }
}
