package org.rtsite.gpu;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.rtsite.core.overlap.CpuOverlapBackend;
import org.rtsite.core.overlap.IsodoseBox;

/**
 * Everything the CUDA backend does on the host, run without a GPU: a random box is packed as for
 * the device, counted by {@link KernelModel} group by group and block by block as the launch plan
 * says, and unpacked; the result must equal the CPU backend's. Small shared-memory budgets force
 * multi-launch plans; odd block counts make blocks share the box unevenly.
 */
class HostPipelineProperties {

    @Test
    void packedCountedAndUnpackedBoxesMatchTheCpuBackend() {
        CpuOverlapBackend cpu = new CpuOverlapBackend();
        qt().withExamples(150).forAll(BoxScenes.specs(23, 5, 5), integers().between(3 * 1024, 40 * 1024),
                integers().between(1, 7)).checkAssert((spec, sharedBytes, blocks) -> {
                    IsodoseBox box = spec.build();
                    BoxLayout layout = BoxLayout.of(box);
                    CountsLayout counts = CountsLayout.of(layout);
                    ByteBuffer in = ByteBuffer.allocate((int) layout.bytes()).order(ByteOrder.nativeOrder());
                    layout.pack(box, in);
                    ByteBuffer out = ByteBuffer.allocate((int) counts.bytes()).order(ByteOrder.nativeOrder());
                    LaunchPlan plan = LaunchPlan.plan(layout.maps(), layout.masks(), sharedBytes);
                    KernelModel.run(in, layout, box.level85(), box.level50(), plan, blocks, out);
                    CountsAssert.assertSameCounts(cpu.count(box), counts.unpack(out, layout.voxels()),
                            spec + ", " + plan.launches().size() + " launches, " + blocks + " blocks");
                });
    }
}
