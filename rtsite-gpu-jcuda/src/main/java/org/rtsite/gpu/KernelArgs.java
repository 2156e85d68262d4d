package org.rtsite.gpu;

import java.util.ArrayList;
import java.util.List;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * The argument list of one {@code overlapCounts} launch, with the PTX type of every argument kept
 * beside it, so that a test can hold the host's list against the kernel's {@code .param} list in
 * the committed PTX: cuLaunchKernel itself checks neither count nor types.
 */
final class KernelArgs {
    private final List<NativePointerObject> values = new ArrayList<>();
    private final List<String> ptxTypes = new ArrayList<>();
    private final List<String> described = new ArrayList<>();

    /**
     * Arguments for launch group {@code g} of a box packed as {@code box} at {@code input}, counting
     * into {@code output} laid out as {@code counts}; the order is overlap.cu's parameter order.
     */
    static KernelArgs overlapCounts(CUdeviceptr input, CUdeviceptr output, BoxLayout box, CountsLayout counts,
                                    LaunchPlan.Group g, float level85, float level50) {
        KernelArgs a = new KernelArgs();
        a.pointer(input, "input", 0);
        a.pointer(input, "input", box.labelsOffset() + (long) g.firstMap() * box.voxels());
        a.pointer(input, "input", box.masksOffset() + 8L * g.firstMask() * box.maskWords());
        a.s32(box.voxels());
        a.s32(box.nx());
        a.s32(box.ny());
        a.s32(g.mapCount());
        a.s32(g.maskCount());
        a.s32(box.maskWords());
        a.f32(level85);
        a.f32(level50);
        if (g.scalars()) {
            a.pointer(output, "output", 0);
        } else {
            a.nullPointer();
        }
        a.pointer(output, "output", counts.mapOffset(g.firstMap()));
        a.pointer(output, "output", counts.maskOffset(g.firstMask()));
        return a;
    }

    private void pointer(CUdeviceptr base, String name, long byteOffset) {
        values.add(Pointer.to(byteOffset == 0 ? base : base.withByteOffset(byteOffset)));
        ptxTypes.add("u64");
        described.add(name + "+" + byteOffset);
    }

    private void nullPointer() {
        values.add(Pointer.to(new long[] {0L}));
        ptxTypes.add("u64");
        described.add("null");
    }

    private void s32(int v) {
        values.add(Pointer.to(new int[] {v}));
        ptxTypes.add("u32");
        described.add(Integer.toString(v));
    }

    private void f32(float v) {
        values.add(Pointer.to(new float[] {v}));
        ptxTypes.add("f32");
        described.add(Float.toString(v));
    }

    /** What cuLaunchKernel takes as {@code kernelParams}. */
    Pointer params() {
        return Pointer.to(values.toArray(new NativePointerObject[0]));
    }

    /** The arguments in words: {@code input+OFFSET}, {@code output+OFFSET}, {@code null} or the value. */
    List<String> described() {
        return List.copyOf(described);
    }

    /** The PTX parameter types, in order (nvcc declares an int as .u32 and a pointer as .u64). */
    List<String> ptxTypes() {
        return List.copyOf(ptxTypes);
    }
}
