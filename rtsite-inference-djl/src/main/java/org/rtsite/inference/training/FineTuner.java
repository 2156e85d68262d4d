package org.rtsite.inference.training;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.inference.ModelPackage;
import org.rtsite.inference.ModelSpec;
import org.rtsite.inference.training.TrainingRecord.CaseEntry;
import org.rtsite.inference.training.TrainingRecord.Checkpoint;
import org.rtsite.inference.training.TrainingRecord.EpochLog;
import org.rtsite.inference.training.TrainingRecord.FoldBest;

/**
 * Localized fine-tuning of a TorchScript model package (ALGORITHM.md §5). For each cross-validation fold, the
 * package's network is trained from its shipped weights on the other folds' cases for {@code epochs} epochs and
 * scored after every epoch on fixed patches of the held-out fold; the fold model and epoch with the lowest
 * validation loss become the new package's network. With one fold, every case trains and the last epoch is kept.
 *
 * <p>After every epoch the network, Adam's state and the {@link TrainingRecord} so far are written to
 * {@code OUT/}{@value #CHECKPOINT_DIR}; a run that was stopped (interrupted thread, killed process) continues from
 * there with {@code resume}: the epoch counter, the Adam moments and step count, batch-norm statistics and the
 * patches each later epoch draws (seeded by fold and epoch) are those the uninterrupted run would have had.
 * On success the checkpoint folder is removed and {@code OUT} holds the network, {@value ModelPackage#SPEC_FILE}
 * (the base package's, unchanged but for the network file) and {@value #RECORD_FILE}.
 */
public final class FineTuner {
    public static final String RECORD_FILE = "training.json";
    public static final String CHECKPOINT_DIR = "checkpoint";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Receives progress; an exception thrown here stops the run after the epoch's checkpoint is written. */
    public interface Progress {
        void epoch(EpochLog log, TrainingRecord soFar);

        default void message(String line) {
        }
    }

    private final ModelPackage base;
    private final ModelSpec spec;
    private final FineTuneOptions options;
    private final Progress progress;
    private final double[] focus;

    /**
     * @throws InvalidInputException when the package's network is not TorchScript (ONNX networks cannot be trained)
     */
    public FineTuner(ModelPackage base, FineTuneOptions options, Progress progress) {
        this.base = Objects.requireNonNull(base, "base");
        this.spec = base.spec();
        this.options = Objects.requireNonNull(options, "options");
        this.progress = Objects.requireNonNull(progress, "progress");
        if (!ModelSpec.PYTORCH.equals(spec.engine())) {
            throw new InvalidInputException("model package " + base.source() + ": fine-tuning needs a TorchScript network "
                    + "(PyTorch engine), its network '" + spec.network() + "' runs on " + spec.engine());
        }
        this.focus = focusByChannel();
    }

    /** The mapping of reference names onto this package's classes: {@code explicit} first, then {@code dictionary} (may be null). */
    public ClassMapping mapping(Map<String, String> explicit, RegionDictionary dictionary) {
        return ClassMapping.of(spec.labels(), explicit, dictionary);
    }

    /** The options' focus weights per channel (1 where not named), {@code null} without any. */
    private double[] focusByChannel() {
        if (options.focus().isEmpty()) {
            return null;
        }
        double[] out = new double[spec.numClasses()];
        Arrays.fill(out, 1);
        options.focus().forEach((name, w) -> {
            int c = spec.labels().entrySet().stream().filter(e -> e.getValue().equalsIgnoreCase(name)).mapToInt(Map.Entry::getKey)
                    .findFirst().orElseThrow(() -> new InvalidInputException("focus on class '" + name + "': the network has no such "
                            + "class (its classes: " + spec.labels().values() + ")"));
            out[c] = w;
        });
        return out;
    }

    /** {@code c} on the network grid, as inference would see it. */
    public NetworkCase prepare(TrainingCase c, ClassMapping mapping) {
        return NetworkCase.prepare(spec, c, mapping);
    }

    /** The training patch: the options' or the package's window. */
    public int[] patch() {
        List<Integer> p = options.patchSize() != null ? options.patchSize() : spec.patchSize();
        return p.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The run's patch sampler: its patch, focus, and reach past the edge (the options' share of the patch, rounded down). */
    PatchSampler sampler(List<NetworkCase> cases) {
        int[] patch = patch();
        int[] reach = new int[patch.length];
        for (int a = 0; a < patch.length; a++) {
            reach[a] = (int) Math.floor(options.edgeReach() * patch[a]);
        }
        return new PatchSampler(cases, patch, spec.numClasses(), focus, reach);
    }

    /**
     * Fine-tunes on {@code cases} and writes the new package to {@code out}.
     *
     * @param resume continue the run whose checkpoint is in {@code out} (it must have the same options and cases)
     * @throws InvalidInputException for too few cases for the folds, an {@code out} that already holds a package or an
     *                               unrelated checkpoint, a checkpoint from other options or cases
     * @throws RtsiteException       when training diverges, the engine fails, or the thread is interrupted (the last
     *                               completed epoch's checkpoint stays for a resumed run)
     */
    public TrainingRecord run(List<NetworkCase> cases, Path out, boolean resume) {
        int numClasses = spec.numClasses();
        int[] patch = patch();
        int k = options.folds();
        int[] fold = Folds.assign(cases.size(), k, options.seed());
        long[] counts = new long[numClasses];
        List<CaseEntry> entries = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            long[] c = cases.get(i).classCounts(numClasses);
            List<Long> cv = new ArrayList<>();
            for (int j = 0; j < numClasses; j++) {
                counts[j] += c[j];
                cv.add(c[j]);
            }
            entries.add(new CaseEntry(cases.get(i).id(), fold[i], cv, cases.get(i).unmatched()));
        }
        float[] weights = options.classWeights() != null ? ClassWeights.explicit(options.classWeights(), numClasses)
                : ClassWeights.fromCounts(counts, options.weighting());
        List<Float> weightList = new ArrayList<>();
        for (float w : weights) {
            weightList.add(w);
        }
        Path ck = out.resolve(CHECKPOINT_DIR);
        Path ckRecord = ck.resolve(RECORD_FILE);
        TrainingRecord record;
        if (Files.isRegularFile(ckRecord)) {
            if (!resume) {
                throw new InvalidInputException(out + " holds the checkpoint of an unfinished fine-tuning run: resume it or "
                        + "choose another output folder");
            }
            record = read(ckRecord);
            checkSameRun(record, entries, out);
        } else {
            if (Files.isRegularFile(out.resolve(ModelPackage.SPEC_FILE))) {
                throw new InvalidInputException(out + " already holds a model package; choose another output folder");
            }
            if (resume) {
                progress.message("no checkpoint in " + ck + ": starting from the base network");
            }
            record = new TrainingRecord(base.source().toString(), options, toList(patch), weightList, entries, List.of(),
                    List.of(), List.of(), null, null, null, null, engineName(), null, 0);
        }
        PatchSampler sampler = sampler(cases);
        int startFold = 0;
        int startEpoch = 0;
        if (record.checkpoint() != null) {
            startFold = record.checkpoint().fold();
            startEpoch = record.checkpoint().epoch();
            if (startEpoch >= options.epochs()) {
                startFold++;
                startEpoch = 0;
            }
            progress.message("resuming after fold " + (record.checkpoint().fold() + 1) + " epoch " + record.checkpoint().epoch());
        }
        for (int f = startFold; f < k; f++) {
            record = trainFold(f, f == startFold ? startEpoch : 0, cases, fold, sampler, weights, record, ck);
        }
        return finish(record, ck, out);
    }

    private TrainingRecord trainFold(int f, int doneEpochs, List<NetworkCase> cases, int[] fold, PatchSampler sampler,
                                     float[] weights, TrainingRecord record, Path ck) {
        int k = options.folds();
        List<Integer> train = new ArrayList<>();
        List<Integer> validation = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            (k > 1 && fold[i] == f ? validation : train).add(i);
        }
        Path start = doneEpochs > 0 ? ck.resolve(record.checkpoint().network()) : base.networkFile();
        try (TrainableNetwork net = new TrainableNetwork(start, spec.numClasses(), options.microBatch(), options.diceWeight())) {
            if (doneEpochs > 0) {
                net.loadOptimizer(ck.resolve(record.checkpoint().optimizer()));
            }
            List<PatchSampler.Spot> validationSpots = validation.isEmpty() ? List.of()
                    : sampler.sample(validation, options.validationPatches(), options.foregroundFraction(), random(f, 0));
            record = record.withDevice(net.device());
            if (doneEpochs == 0 && !validationSpots.isEmpty()) {
                double initial = validate(net, sampler, validationSpots, weights);
                List<Double> init = new ArrayList<>(record.initialValidationLoss());
                init.add(initial);
                record = record.withInitialValidationLoss(init);
                progress.message(String.format(Locale.ROOT, "fold %d/%d: %d training, %d validation cases; "
                        + "base network's validation loss %.5f", f + 1, k, train.size(), validation.size(), initial));
            }
            for (int e = doneEpochs + 1; e <= options.epochs(); e++) {
                long t0 = System.nanoTime();
                double lr = options.learningRate(e);
                List<PatchSampler.Spot> spots = sampler.sample(train, options.patchesPerCase(), options.foregroundFraction(), random(f, e));
                double lossSum = 0;
                int steps = 0;
                for (int b = 0; b < spots.size(); b += options.batchSize()) {
                    Batch batch = Batch.cut(sampler, spots, b, options.batchSize());
                    long retries = net.nativeRetries();
                    long skipped = net.skippedSteps();
                    lossSum += net.trainStep(batch.image(), batch.labels(), batch.size(), sampler.patch(), weights, lr);
                    steps++;
                    if (net.nativeRetries() > retries) {
                        progress.message("fold " + (f + 1) + " epoch " + e + " Adam step " + net.adamSteps() + ": a gradient on oneDNN "
                                + "was not finite; the step was recomputed on PyTorch's native kernels (" + net.lastRetry() + ")");
                    }
                    if (net.skippedSteps() > skipped) {
                        progress.message("fold " + (f + 1) + " epoch " + e + " " + net.lastSkip());
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        throw new RtsiteException("fine-tuning interrupted in fold " + (f + 1) + " epoch " + e
                                + "; resume from " + ck + " (it holds the last completed epoch)");
                    }
                }
                Double val = validationSpots.isEmpty() ? null : validate(net, sampler, validationSpots, weights);
                double seconds = (System.nanoTime() - t0) / 1e9;
                EpochLog log = new EpochLog(f, e, lr, lossSum / steps, val, net.adamSteps(), seconds);
                record = checkpoint(net, record, log, ck);
                progress.epoch(log, record);
            }
        }
        return record;
    }

    private TrainingRecord checkpoint(TrainableNetwork net, TrainingRecord record, EpochLog log, Path ck) {
        int f = log.fold();
        String stem = String.format("fold%d-epoch%03d", f + 1, log.epoch());
        net.save(ck.resolve(stem + ".pt"));
        net.saveOptimizer(ck.resolve(stem + ".adam"));
        List<FoldBest> best = new ArrayList<>(record.best());
        FoldBest current = best.stream().filter(b -> b.fold() == f).findFirst().orElse(null);
        Double score = log.validationLoss();
        // without validation (one fold) the latest epoch is the one kept
        if (current == null || score == null || score < current.validationLoss()) {
            String bestFile = String.format("fold%d-best.pt", f + 1);
            copyAtomically(ck.resolve(stem + ".pt"), ck.resolve(bestFile));
            best.remove(current);
            best.add(new FoldBest(f, log.epoch(), score, bestFile));
            best.sort(Comparator.comparingInt(FoldBest::fold));
        }
        List<EpochLog> epochs = new ArrayList<>(record.epochs());
        epochs.add(log);
        Checkpoint previous = record.checkpoint();
        TrainingRecord next = new TrainingRecord(record.basePackage(), record.options(), record.patchSize(), record.classWeights(),
                record.cases(), record.initialValidationLoss(), epochs, best, new Checkpoint(f, log.epoch(), stem + ".pt", stem + ".adam"),
                null, null, null, record.engine(), record.device(), record.trainSeconds() + log.seconds());
        write(next, ck.resolve(RECORD_FILE));
        if (previous != null) {
            // the record now names the new files; only then may the previous epoch's go
            delete(ck.resolve(previous.network()));
            delete(ck.resolve(previous.optimizer()));
        }
        return next;
    }

    private TrainingRecord finish(TrainingRecord record, Path ck, Path out) {
        FoldBest chosen = record.best().stream()
                .min(Comparator.comparingDouble(b -> b.validationLoss() == null ? 0 : b.validationLoss()))
                .orElseThrow(() -> new RtsiteException("fine-tuning finished without a single epoch"));
        String network = spec.network().endsWith(".pt") || spec.network().endsWith(".torchscript") ? spec.network() : "model.pt";
        copyAtomically(ck.resolve(chosen.file()), out.resolve(network));
        ModelPackage.writeSpec(spec.withNetwork(network), out);
        TrainingRecord done = new TrainingRecord(record.basePackage(), record.options(), record.patchSize(), record.classWeights(),
                record.cases(), record.initialValidationLoss(), record.epochs(),
                record.best().stream().map(b -> new FoldBest(b.fold(), b.epoch(), b.validationLoss(), null)).toList(), null,
                chosen.fold(), chosen.epoch(), options.folds() > 1 ? chosen.validationLoss() : null, record.engine(), record.device(),
                record.trainSeconds());
        write(done, out.resolve(RECORD_FILE));
        deleteTree(ck);
        progress.message(String.format(Locale.ROOT, "kept fold %d epoch %d%s; package written to %s", chosen.fold() + 1,
                chosen.epoch(), options.folds() > 1 ? String.format(Locale.ROOT, " (validation loss %.5f)", chosen.validationLoss()) : "", out));
        return done;
    }

    private double validate(TrainableNetwork net, PatchSampler sampler, List<PatchSampler.Spot> spots, float[] weights) {
        // the mean of per-batch weighted means; batches are fixed, so epochs compare like with like
        double sum = 0;
        int n = 0;
        for (int b = 0; b < spots.size(); b += options.batchSize()) {
            Batch batch = Batch.cut(sampler, spots, b, options.batchSize());
            sum += net.evaluate(batch.image(), batch.labels(), batch.size(), sampler.patch(), weights);
            n++;
        }
        return sum / n;
    }

    /** The patches of spots [from, from + size) cut side by side into one image and one label array. */
    private record Batch(float[] image, byte[] labels, int size) {
        static Batch cut(PatchSampler sampler, List<PatchSampler.Spot> spots, int from, int size) {
            List<PatchSampler.Spot> batch = spots.subList(from, Math.min(spots.size(), from + size));
            float[] img = new float[batch.size() * sampler.patchVoxels()];
            byte[] lab = new byte[img.length];
            for (int i = 0; i < batch.size(); i++) {
                sampler.extract(batch.get(i), img, lab, i * sampler.patchVoxels());
            }
            return new Batch(img, lab, batch.size());
        }
    }

    private SplittableRandom random(int fold, int epoch) {
        return new SplittableRandom(options.seed() * 1_000_003L + fold * 10_007L + epoch);
    }

    private void checkSameRun(TrainingRecord record, List<CaseEntry> entries, Path out) {
        if (!options.equals(record.options())) {
            throw new InvalidInputException("the checkpoint in " + out + " was made with other options (" + record.options()
                    + "); resume with the same options");
        }
        List<String> had = record.cases().stream().map(c -> c.id() + "@" + c.fold()).toList();
        List<String> have = entries.stream().map(c -> c.id() + "@" + c.fold()).toList();
        if (!had.equals(have)) {
            throw new InvalidInputException("the checkpoint in " + out + " was made with other training cases (" + had
                    + "); resume with the same cases in the same order");
        }
    }

    private static String engineName() {
        Engine e = Engine.getEngine("PyTorch");
        return "DJL " + Engine.getDjlVersion() + " " + e.getEngineName() + " " + e.getVersion();
    }

    private static List<Integer> toList(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int v : a) {
            l.add(v);
        }
        return l;
    }

    /** Reads a training record (a package's or a checkpoint's). */
    public static TrainingRecord read(Path file) {
        try {
            return JSON.readValue(file.toFile(), TrainingRecord.class);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read training record " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(TrainingRecord r, Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            JSON.writeValue(tmp.toFile(), r);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write " + file, e);
        }
    }

    private static void copyAtomically(Path from, Path to) {
        Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        try {
            Files.createDirectories(to.toAbsolutePath().getParent());
            Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot copy " + from + " to " + to, e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot delete " + p, e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new RtsiteIOException("cannot remove checkpoint folder " + dir, e);
        }
    }
}
