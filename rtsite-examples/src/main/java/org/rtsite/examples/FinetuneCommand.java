package org.rtsite.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;
import org.rtsite.dicom.rt.CtSeriesReader;
import org.rtsite.dicom.rt.RtStructureSet;
import org.rtsite.eval.report.Csv;
import org.rtsite.inference.ModelPackage;
import org.rtsite.inference.training.ClassMapping;
import org.rtsite.inference.training.ClassWeights;
import org.rtsite.inference.training.FineTuneOptions;
import org.rtsite.inference.training.FineTuner;
import org.rtsite.inference.training.NetworkCase;
import org.rtsite.inference.training.TrainingCase;
import org.rtsite.inference.training.TrainingRecord;
import org.rtsite.nifti.Nifti;
import org.rtsite.nifti.NiftiImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rtsite finetune}: localized fine-tuning of a TorchScript model package on local reference contours. */
@Command(name = "finetune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tunes a TorchScript model package on local cases (the second seed paper's localized fine-tuning) "
                + "and writes a new package that classify --segmenter and segeval use as they use any other. Defaults are "
                + "the paper's recipe: Adam, learning rate 1e-4 ×0.9 per epoch, batch 4, 60 epochs, class-weighted "
                + "cross-entropy, 5-fold cross-validation keeping the model with the lowest validation loss.",
                "Cases CSV: header case_id,ct,reference; ct is a DICOM CT series folder or a NIfTI CT; reference is an "
                + "RTSTRUCT file, a folder of per-structure NIfTI masks, or a NIfTI label map (with --labels), on the CT's "
                + "grid; paths relative to the CSV's folder. Structure names reach the network's classes through --map, "
                + "then the region dictionary (TG-263 aliases), then as they are.",
                "Each epoch is checkpointed in OUT/checkpoint; a stopped run continues with --resume."})
public final class FinetuneCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, description = "model package to fine-tune (TorchScript; folder or zip)")
    Path model;

    @Option(names = {"-c", "--cases"}, required = true, description = "training cases CSV (case_id,ct,reference)")
    Path cases;

    @Option(names = {"-o", "--out"}, required = true, description = "folder of the new package")
    Path out;

    @Option(names = "--map", split = ",", description = "structure name → class, e.g. Bladder=urinary_bladder (repeatable)")
    Map<String, String> map = new LinkedHashMap<>();

    @Option(names = {"-l", "--labels"}, description = "label table CSV (value,name) for NIfTI label-map references")
    Path labels;

    @Option(names = "--no-aliases", description = "do not look structure names up in the region dictionary")
    boolean noAliases;

    @Option(names = "--epochs", defaultValue = "60", description = "epochs per fold (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch", defaultValue = "4", description = "patches per Adam step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--micro-batch", defaultValue = "1", description = "patches per forward/backward pass, gradients summed "
            + "over the batch's passes before its Adam step; 0 = the whole batch at once. 1 keeps PyTorch's oneDNN convolutions, "
            + "which are wrong above batch 1 and switched off there (default: ${DEFAULT-VALUE})")
    int microBatch;

    @Option(names = "--lr", defaultValue = "1e-4", description = "Adam's learning rate in epoch 1 (default: ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--lr-decay", defaultValue = "0.9", description = "learning-rate factor per epoch (default: ${DEFAULT-VALUE})")
    double learningRateDecay;

    @Option(names = "--folds", defaultValue = "5", description = "cross-validation folds; 1 = no validation, keep the last epoch "
            + "(default: ${DEFAULT-VALUE})")
    int folds;

    @Option(names = "--patches-per-case", defaultValue = "4", description = "training patches per case and epoch (default: ${DEFAULT-VALUE})")
    int patchesPerCase;

    @Option(names = "--validation-patches", defaultValue = "2", description = "fixed validation patches per held-out case "
            + "(default: ${DEFAULT-VALUE})")
    int validationPatches;

    @Option(names = "--patch", split = ",", description = "training patch in voxels (tensor axes 0,1,2); default: the package's window")
    List<Integer> patch;

    @Option(names = "--foreground", defaultValue = "0.6667", description = "share of patches centred on a structure (default: ${DEFAULT-VALUE})")
    double foreground;

    @Option(names = "--class-weights", defaultValue = "sqrt", description = "sqrt (1/√frequency), inverse (1/frequency), none, "
            + "or one weight per class, background first, e.g. 0.5,1,1,2 (default: ${DEFAULT-VALUE})")
    String classWeights;

    @Option(names = "--dice-weight", defaultValue = "0", description = "add W × (1 − mean soft Dice over the organ classes "
            + "present in a pass's patches) to the cross-entropy, as the phantom network was trained; 0 = cross-entropy only, "
            + "the paper's recipe; with --micro-batch 1 on the CPU it comes with occasional huge gradients, whose steps are "
            + "recomputed on native kernels or skipped (docs/finetune.md) (default: ${DEFAULT-VALUE})")
    double diceWeight;

    @Option(names = "--focus", description = "NAME:W: centre organ patches on class NAME W times as often as on the case's "
            + "other classes (repeatable; default 1 each)")
    List<String> focus;

    @Option(names = "--edge-reach", defaultValue = "0", description = "let training patches reach past the image's edge "
            + "by up to this share of the patch along each axis (0..0.5), reading there what inference pads a window with "
            + "(nnU-Net's padded sampling); 0 = patches stay inside the image where it is at least the patch (default: ${DEFAULT-VALUE})")
    double edgeReach;

    @Option(names = "--seed", defaultValue = "19", description = "folds and patch sampling (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--resume", description = "continue the run checkpointed in OUT/checkpoint (same options and cases)")
    boolean resume;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        try {
            FineTuneOptions options = options();
            try (ModelPackage base = ModelPackage.open(model)) {
                FineTuner tuner = new FineTuner(base, options, new FineTuner.Progress() {
                    @Override
                    public void epoch(TrainingRecord.EpochLog log, TrainingRecord soFar) {
                        o.printf(Locale.ROOT, "fold %d/%d epoch %d/%d  lr %.3g  train loss %.5f%s  (%.1f s)%n", log.fold() + 1,
                                options.folds(), log.epoch(), options.epochs(), log.learningRate(), log.trainLoss(),
                                log.validationLoss() == null ? "" : String.format(Locale.ROOT, "  validation loss %.5f", log.validationLoss()),
                                log.seconds());
                        o.flush();
                    }

                    @Override
                    public void message(String line) {
                        o.println(line);
                        o.flush();
                    }
                });
                ClassMapping mapping = tuner.mapping(map, noAliases ? null : RegionDictionary.defaults());
                List<NetworkCase> prepared = new ArrayList<>();
                for (CaseRow row : readCases()) {
                    // one CT at a time: only its network-grid image and classes are kept
                    NetworkCase c = tuner.prepare(row.load(labelTable()), mapping);
                    long[] counts = c.classCounts(base.spec().numClasses());
                    List<String> present = new ArrayList<>();
                    for (int k = 1; k < counts.length; k++) {
                        if (counts[k] > 0) {
                            present.add(base.spec().labels().getOrDefault(k, "class " + k));
                        }
                    }
                    if (present.isEmpty()) {
                        throw new InvalidInputException("case " + row.id() + " (" + row.reference() + "): no structure maps to a class of "
                                + base.source() + " " + base.spec().labels().values() + "; unmatched " + c.unmatched()
                                + " (use --map NAME=CLASS)");
                    }
                    o.printf("case %s: %s%s%n", row.id(), present, c.unmatched().isEmpty() ? "" : "; not used: " + c.unmatched());
                    o.flush();
                    prepared.add(c);
                }
                TrainingRecord r = tuner.run(prepared, out, resume);
                o.printf(Locale.ROOT, "wrote %s (%.0f s of training on %s)%n", out, r.trainSeconds(), r.device());
            }
            return 0;
        } catch (RtsiteException e) {
            spec.commandLine().getErr().println("rtsite finetune: " + e.getMessage());
            return 2;
        }
    }

    private Map<String, Double> focusWeights() {
        Map<String, Double> out = new java.util.TreeMap<>();
        for (String f : focus == null ? List.<String>of() : focus) {
            int colon = f.lastIndexOf(':');
            try {
                if (colon <= 0) {
                    throw new NumberFormatException("no ':'");
                }
                out.put(f.substring(0, colon).trim(), Double.parseDouble(f.substring(colon + 1).trim()));
            } catch (NumberFormatException e) {
                throw new InvalidInputException("--focus " + f + ": expected NAME:WEIGHT, e.g. thyroid_gland:4", e);
            }
        }
        return out;
    }

    private FineTuneOptions options() {
        FineTuneOptions o = new FineTuneOptions(epochs, batch, learningRate, learningRateDecay, folds, patchesPerCase,
                validationPatches, patch, foreground, ClassWeights.Weighting.INVERSE_SQRT_FREQUENCY, null, seed, microBatch,
                diceWeight, focusWeights(), edgeReach);
        switch (classWeights.trim().toLowerCase(Locale.ROOT)) {
            case "sqrt" -> {
                return o;
            }
            case "inverse" -> {
                return o.withWeighting(ClassWeights.Weighting.INVERSE_FREQUENCY);
            }
            case "none" -> {
                return o.withWeighting(ClassWeights.Weighting.NONE);
            }
            default -> {
                List<Double> w = new ArrayList<>();
                for (String s : classWeights.split(",")) {
                    try {
                        w.add(Double.parseDouble(s.trim()));
                    } catch (NumberFormatException e) {
                        throw new InvalidInputException("--class-weights: '" + classWeights + "' is not sqrt, inverse, none or a "
                                + "list of numbers", e);
                    }
                }
                return o.withClassWeights(w);
            }
        }
    }

    private Map<Integer, String> labelTable() {
        Map<Integer, String> m = new HashMap<>();
        if (labels == null) {
            return m;
        }
        try {
            List<String> lines = Files.readAllLines(labels, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                List<String> c = Csv.parseLine(lines.get(i).replace("\uFEFF", ""), labels.toString(), i + 1);
                if (i == 0 && c.get(0).trim().equalsIgnoreCase("value")) {
                    continue;
                }
                try {
                    m.put(Integer.parseInt(c.get(0).trim()), c.get(1).trim());
                } catch (NumberFormatException | IndexOutOfBoundsException e) {
                    throw new InvalidInputException("label table " + labels + " line " + (i + 1) + ": expected 'value,name', got '"
                            + lines.get(i) + "'", e);
                }
            }
        } catch (IOException e) {
            throw new RtsiteIOException("cannot read label table " + labels, e);
        }
        return m;
    }

    private record CaseRow(String id, Path ct, Path reference) {
        TrainingCase load(Map<Integer, String> labelNames) {
            CtVolume volume = readCt(id, ct);
            return new TrainingCase(id, volume, readReference(volume, labelNames));
        }

        private OrganMasks readReference(CtVolume ct, Map<Integer, String> labelNames) {
            if (Files.isDirectory(reference)) {
                List<BinaryMask> masks = new ArrayList<>();
                try (Stream<Path> s = Files.list(reference)) {
                    for (Path f : s.filter(FinetuneCommand::isNifti).sorted().toList()) {
                        masks.add(onGrid(Nifti.readMask(f, stripNifti(f.getFileName().toString())), ct, f));
                    }
                } catch (IOException e) {
                    throw new RtsiteIOException("cannot list reference folder " + reference, e);
                }
                if (masks.isEmpty()) {
                    throw new InvalidInputException("case " + id + ": reference folder " + reference + " holds no .nii/.nii.gz masks");
                }
                return new OrganMasks(ct.grid(), List.of(), masks);
            }
            if (!Files.isRegularFile(reference)) {
                throw new InvalidInputException("case " + id + ": reference " + reference + " does not exist");
            }
            if (isNifti(reference)) {
                LabelMap m = Nifti.readLabelMap(reference, "reference", labelNames);
                if (!m.grid().sameGeometry(ct.grid(), OrganMasks.GRID_TOLERANCE_MM)) {
                    throw new InvalidInputException("case " + id + ": label map " + reference + " is on grid " + m.grid().describe()
                            + ", not on the CT's grid " + ct.grid().describe());
                }
                return new OrganMasks(ct.grid(), List.of(new LabelMap(m.task(), ct.grid(), m.labels(), m.names())), List.of());
            }
            RtStructureSet ss = RtStructureSet.read(reference);
            List<BinaryMask> masks = new ArrayList<>();
            for (RtStructureSet.Roi roi : ss.rois()) {
                if (roi.contours().stream().anyMatch(c -> c.type().isClosed())) {
                    masks.add(roi.rasterize(ct.grid(), ct.grid().dz()));
                }
            }
            if (masks.isEmpty()) {
                throw new InvalidInputException("case " + id + ": structure set " + reference + " has no closed contours");
            }
            return new OrganMasks(ct.grid(), List.of(), masks);
        }

        private BinaryMask onGrid(BinaryMask m, CtVolume ct, Path f) {
            if (!m.grid().sameGeometry(ct.grid(), OrganMasks.GRID_TOLERANCE_MM)) {
                throw new InvalidInputException("case " + id + ": mask " + f + " is on grid " + m.grid().describe()
                        + ", not on the CT's grid " + ct.grid().describe());
            }
            return new BinaryMask(m.name(), ct.grid(), m.bits());
        }
    }

    static CtVolume readCt(String id, Path ct) {
        if (Files.isDirectory(ct)) {
            return CtSeriesReader.defaults().readDirectory(ct).volume();
        }
        if (!Files.isRegularFile(ct)) {
            throw new InvalidInputException("case " + id + ": CT " + ct + " does not exist");
        }
        if (!isNifti(ct)) {
            throw new InvalidInputException("case " + id + ": CT " + ct + " is neither a DICOM series folder nor a .nii/.nii.gz file");
        }
        NiftiImage img = Nifti.read(ct);
        short[] hu = new short[img.grid().voxelCount()];
        for (int v = 0; v < hu.length; v++) {
            hu[v] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(img.value(v))));
        }
        return new CtVolume(img.grid(), hu);
    }

    static boolean isNifti(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".nii") || n.endsWith(".nii.gz");
    }

    static String stripNifti(String name) {
        return name.replaceFirst("(?i)\\.nii(\\.gz)?$", "");
    }

    private List<CaseRow> readCases() {
        List<String> lines;
        try {
            lines = Files.readAllLines(cases, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot read cases file " + cases, e);
        }
        if (lines.isEmpty()) {
            throw new InvalidInputException("cases file " + cases + " is empty");
        }
        List<String> header = Csv.parseLine(lines.get(0).replace("\uFEFF", ""), cases.toString(), 1);
        if (header.size() != 3) {
            throw new InvalidInputException("cases file " + cases + ": header must be case_id,ct,reference, got " + header);
        }
        Path baseDir = cases.toAbsolutePath().getParent();
        List<CaseRow> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> c = Csv.parseLine(lines.get(i), cases.toString(), i + 1);
            if (c.size() != 3) {
                throw new InvalidInputException("cases file " + cases + " line " + (i + 1) + ": expected 3 cells, got " + c.size());
            }
            rows.add(new CaseRow(c.get(0).trim(), baseDir.resolve(c.get(1).trim()), baseDir.resolve(c.get(2).trim())));
        }
        if (rows.isEmpty()) {
            throw new InvalidInputException("cases file " + cases + " lists no cases");
        }
        return rows;
    }
}
