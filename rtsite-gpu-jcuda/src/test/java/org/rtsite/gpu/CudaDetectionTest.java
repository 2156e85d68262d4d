package org.rtsite.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.overlap.CpuOverlapBackend;
import org.rtsite.core.overlap.IsodoseBox;
import org.rtsite.core.overlap.OverlapBackend;
import org.rtsite.core.overlap.OverlapBackends;

/** Runs on every machine: what the backend reports and how the core falls back. */
class CudaDetectionTest {

    private final CudaOverlapBackend cuda = new CudaOverlapBackend();

    @Test
    void isFoundByTheServiceLoaderAboveTheCpuBackend() {
        List<OverlapBackend> all = OverlapBackends.all();
        assertEquals("cuda", all.get(0).name(), "highest priority first: " + all);
        assertInstanceOf(CudaOverlapBackend.class, all.get(0));
        assertTrue(all.stream().anyMatch(b -> b.name().equals("cpu")), all.toString());
        assertTrue(cuda.priority() > new CpuOverlapBackend().priority());
    }

    @Test
    void detectionHappensOnceAndNeverThrowsEvenWhenRacedFromManyThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Optional<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> new CudaOverlapBackend().unavailableReason());
            }
            Optional<String> first = cuda.unavailableReason();
            for (Future<Optional<String>> f : pool.invokeAll(calls)) {
                assertEquals(first, f.get());
            }
            assertTrue(first.isPresent() != cuda.device().isPresent(), "either a reason or a device");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void withoutLibcudaTheReasonNamesTheDriverLibrary() {
        assumeFalse(libcudaPresent(), "libcuda.so.1 is installed here: this test is for machines without a driver");
        Optional<String> reason = cuda.unavailableReason();
        assertTrue(reason.isPresent(), "no driver, yet the backend claims to be available");
        assertTrue(reason.get().contains("libcuda.so.1"), reason.get());
    }

    /** Issue 16: on a machine without any driver, the detection answers without loading JCuda. */
    @Test
    void withoutAnyDriverJCudaIsNotLoaded() {
        assumeFalse(libcudaPresent() || Files.exists(Path.of("/dev/nvidiactl")) || Files.exists(Path.of("/dev/dxg"))
                || Files.exists(Path.of("/proc/driver/nvidia")), "a CUDA driver or device is here");
        String missing = CudaDevice.driverMissing();
        assertTrue(missing != null && missing.contains("libcuda.so.1"), String.valueOf(missing));
        assertEquals(missing, cuda.unavailableReason().orElseThrow());
    }

    @Test
    void autoFallsBackToTheCpuAndAForcedCudaSaysWhy() {
        Optional<String> reason = cuda.unavailableReason();
        assumeTrue(reason.isPresent(), "a CUDA device is available here: " + cuda.device().orElse(""));

        assertEquals("cpu", OverlapBackends.select("auto").name());
        var forced = assertThrows(RtsiteException.class, () -> OverlapBackends.select("cuda"));
        assertTrue(forced.getMessage().contains(reason.get()), forced.getMessage());

        IsodoseBox box = BoxScenes.box(3, 3, 3, 1, 1, new Random(3));
        var direct = assertThrows(RtsiteException.class, () -> cuda.count(box));
        assertTrue(direct.getMessage().contains("'cuda' is unavailable") && direct.getMessage().contains(reason.get()),
                direct.getMessage());
        assertThrows(RtsiteException.class, () -> cuda.countAll(List.of(box, box)));
        assertThrows(RtsiteException.class, () -> cuda.upload(box));
    }

    @Test
    void withADeviceAutoSelectsCuda() {
        assumeTrue(cuda.device().isPresent(), () -> "no CUDA device: " + cuda.unavailableReason().orElse(""));
        assertEquals("cuda", OverlapBackends.select("auto").name());
        assertNotEquals(Optional.empty(), cuda.device());
    }

    @Test
    void aNativeLoadFailureIsSummedUpByItsLastAttempt() {
        String jcudaStyle = "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "Stack trace from the attempt to load the library as a file:\n"
                + "java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-linux-x86_64 in java.library.path: /lib\n"
                + "\tat java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2434)\n"
                + "Stack trace from the attempt to load the library as a resource:\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver.so: libcuda.so.1: cannot open shared object file\n"
                + "\tat java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2434)\n";
        assertEquals("/tmp/libJCudaDriver.so: libcuda.so.1: cannot open shared object file",
                CudaDevice.linkageSummary(new UnsatisfiedLinkError(jcudaStyle)));
        assertEquals("NoClassDefFoundError: Could not initialize class jcuda.driver.JCudaDriver",
                CudaDevice.linkageSummary(new NoClassDefFoundError("Could not initialize class jcuda.driver.JCudaDriver")));
    }

    /** Looks for the driver library where the dynamic loader would, without loading it. */
    static boolean libcudaPresent() {
        List<String> dirs = new ArrayList<>(List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
                "/usr/lib64", "/lib64", "/usr/lib", "/usr/local/nvidia/lib64", "/usr/lib/wsl/lib"));
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            dirs.addAll(List.of(ld.split(":")));
        }
        return dirs.stream().filter(d -> !d.isBlank()).anyMatch(d -> Files.exists(Path.of(d, "libcuda.so.1")));
    }
}
