package org.rtsite.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;
import org.rtsite.core.overlap.IsodoseBox;

/** The host's launch arguments against the kernel's parameters in the committed PTX. */
class KernelArgsTest {

    @Test
    void everyLaunchPassesTheKernelsParameterTypesInOrder() throws IOException {
        List<String> kernel = ptxParamTypes();
        assertEquals(14, kernel.size(), "overlapCounts parameters in the PTX: " + kernel);
        IsodoseBox box = BoxScenes.box(9, 5, 3, 20, 3, new Random(2));
        BoxLayout layout = BoxLayout.of(box);
        LaunchPlan plan = LaunchPlan.plan(layout.maps(), layout.masks(), 8 * 3072);
        assertTrue(plan.launches().size() > 1);
        for (LaunchPlan.Group g : plan.launches()) {
            KernelArgs args = KernelArgs.overlapCounts(new CUdeviceptr(), new CUdeviceptr(), layout,
                    CountsLayout.of(layout), g, box.level85(), box.level50());
            assertEquals(kernel, args.ptxTypes(), "launch " + g);
        }
    }

    @Test
    void argumentsPointAtTheGroupsSourcesAndBins() {
        IsodoseBox box = BoxScenes.box(5, 1, 1, 3, 2, new Random(4));
        BoxLayout layout = BoxLayout.of(box);   // dose 0..20, labels 20..35, masks at 40, 8 bytes each
        CountsLayout counts = CountsLayout.of(layout);
        var second = new LaunchPlan.Group(2, 1, 1, 1, false);

        List<String> args = KernelArgs.overlapCounts(new CUdeviceptr(), new CUdeviceptr(), layout, counts, second,
                8.5f, 5f).described();

        assertEquals(List.of("input+0", "input+30", "input+48", "5", "5", "1", "1", "1", "1", "8.5", "5.0",
                "null", "output+" + (72 + 2 * 6144), "output+" + (72 + 3 * 6144 + 24)), args);
        var first = new LaunchPlan.Group(0, 2, 0, 1, true);
        assertEquals("output+0", KernelArgs.overlapCounts(new CUdeviceptr(), new CUdeviceptr(), layout, counts, first,
                8.5f, 5f).described().get(11));
    }

    private static List<String> ptxParamTypes() throws IOException {
        String ptx;
        try (var in = KernelArgsTest.class.getResourceAsStream(CudaDevice.PTX_RESOURCE)) {
            ptx = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher entry = Pattern.compile("\\.entry " + CudaDevice.KERNEL + "\\(([^)]*)\\)").matcher(ptx);
        assertTrue(entry.find(), "no entry " + CudaDevice.KERNEL + " in the PTX");
        Matcher param = Pattern.compile("\\.param \\.(\\w+) ").matcher(entry.group(1));
        List<String> types = new ArrayList<>();
        while (param.find()) {
            types.add(param.group(1));
        }
        return types;
    }
}
