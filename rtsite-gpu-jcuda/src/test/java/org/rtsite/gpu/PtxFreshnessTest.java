package org.rtsite.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed PTX must be what overlap.cu compiles to. Everywhere: the source's digest must be
 * the one recorded when the PTX was last built. Where nvcc of the same release exists: compiling
 * the source again must give the committed PTX byte for byte. Where ptxas exists: the PTX must
 * assemble for sm_75, the lowest target.
 */
class PtxFreshnessTest {
    private static final Path SOURCE = Path.of("src/main/cuda/overlap.cu");
    private static final String REGENERATE = "run rtsite-gpu-jcuda/build-ptx.sh (see docs/gpu.md)";

    @Test
    void theCommittedPtxWasBuiltFromTheCurrentSource() throws Exception {
        String recorded = resource("/org/rtsite/gpu/overlap.cu.sha256").trim();
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(SOURCE)));
        assertEquals(recorded, actual, "overlap.cu changed since the committed PTX was built: " + REGENERATE);
    }

    @Test
    void thePtxTargetsCompute75WithTheIsaTheDriverNoteNames() throws Exception {
        String ptx = resource(CudaDevice.PTX_RESOURCE);
        assertTrue(ptx.contains("\n.target sm_75\n"), "PTX must target sm_75 (compute_75)");
        assertTrue(ptx.contains(".entry " + CudaDevice.KERNEL + "("), "PTX lacks the kernel entry " + CudaDevice.KERNEL);
        Matcher isa = Pattern.compile("\n\\.version (\\d+\\.\\d+)\n").matcher(ptx);
        assertTrue(isa.find(), "PTX has no .version line");
        assertTrue(CudaDevice.PTX_REQUIREMENT.contains("PTX ISA " + isa.group(1) + ","),
                "the PTX is ISA " + isa.group(1) + " but CudaDevice.PTX_REQUIREMENT (and docs/gpu.md) say: "
                        + CudaDevice.PTX_REQUIREMENT);
    }

    @Test
    void nvccCompilesTheSourceToTheCommittedPtx(@TempDir Path tmp) throws Exception {
        Optional<Path> nvcc = tool("nvcc");
        assumeTrue(nvcc.isPresent(), "nvcc not found (PATH, $NVCC, /usr/local/cuda/bin): cannot recompile the PTX here");
        String committed = resource(CudaDevice.PTX_RESOURCE);
        String builtWith = release(committed, "the committed PTX's header");
        String here = release(run(List.of(nvcc.get().toString(), "--version")), "nvcc --version");
        assumeTrue(builtWith.equals(here), "the committed PTX was built by nvcc " + builtWith + ", this nvcc is "
                + here + ": byte-for-byte comparison needs the same release");
        Path out = tmp.resolve("overlap.ptx");
        run(List.of(nvcc.get().toString(), "-ptx", "-arch=compute_75", "-o", out.toString(), SOURCE.toString()));
        assertEquals(committed, Files.readString(out), "the committed PTX is not what overlap.cu compiles to: " + REGENERATE);
    }

    @Test
    void ptxasAssemblesThePtxForTheLowestTarget(@TempDir Path tmp) throws Exception {
        Optional<Path> ptxas = tool("ptxas");
        assumeTrue(ptxas.isPresent(), "ptxas not found: cannot assemble the PTX here");
        Path ptx = tmp.resolve("overlap.ptx");
        Files.writeString(ptx, resource(CudaDevice.PTX_RESOURCE));
        run(List.of(ptxas.get().toString(), "-arch=sm_75", ptx.toString(), "-o", tmp.resolve("overlap.cubin").toString()));
        assertTrue(Files.size(tmp.resolve("overlap.cubin")) > 0);
    }

    @Test
    void theFallbackForOlderDriversChangesOnlyTheIsaNumber() {
        byte[] ptx = CudaDevice.ptx();
        byte[] relabelled = CudaDevice.relabelled(ptx, CudaDevice.FALLBACK_ISA);
        assertEquals(0, relabelled[relabelled.length - 1], "still NUL-terminated for cuModuleLoadData");
        List<String> before = new String(ptx, StandardCharsets.US_ASCII).lines().toList();
        List<String> after = new String(relabelled, StandardCharsets.US_ASCII).lines().toList();
        assertEquals(before.size(), after.size());
        int changed = 0;
        for (int i = 0; i < before.size(); i++) {
            if (!before.get(i).equals(after.get(i))) {
                changed++;
                assertEquals(".version " + CudaDevice.FALLBACK_ISA, after.get(i));
                assertTrue(before.get(i).startsWith(".version "), before.get(i));
            }
        }
        assertEquals(1, changed);
    }

    @Test
    void ptxasAcceptsTheKernelAsTheFallbackIsa(@TempDir Path tmp) throws Exception {
        Optional<Path> ptxas = tool("ptxas");
        assumeTrue(ptxas.isPresent(), "ptxas not found: cannot check the relabelled PTX here");
        byte[] relabelled = CudaDevice.relabelled(CudaDevice.ptx(), CudaDevice.FALLBACK_ISA);
        Path ptx = tmp.resolve("overlap-isa" + CudaDevice.FALLBACK_ISA + ".ptx");
        Files.write(ptx, java.util.Arrays.copyOf(relabelled, relabelled.length - 1));
        // ptxas refuses an instruction the declared ISA does not have, so this proves the claim.
        run(List.of(ptxas.get().toString(), "-arch=sm_75", ptx.toString(), "-o", tmp.resolve("o.cubin").toString()));
        assertTrue(Files.size(tmp.resolve("o.cubin")) > 0);
    }

    private static String release(String text, String what) {
        Matcher m = Pattern.compile("release (\\d+\\.\\d+), V([\\d.]+)").matcher(text);
        assertTrue(m.find(), "no 'release X.Y, VX.Y.Z' in " + what);
        return m.group(2);
    }

    private static Optional<Path> tool(String name) {
        String env = System.getenv(name.toUpperCase());
        if (env != null && Files.isExecutable(Path.of(env))) {
            return Optional.of(Path.of(env));
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(":")) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, name))) {
                return Optional.of(Path.of(dir, name));
            }
        }
        Path cuda = Path.of("/usr/local/cuda/bin", name);
        return Files.isExecutable(cuda) ? Optional.of(cuda) : Optional.empty();
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), command + " failed:\n" + text);
        return text;
    }

    private static String resource(String name) throws IOException {
        try (var in = PtxFreshnessTest.class.getResourceAsStream(name)) {
            assertTrue(in != null, "missing resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
