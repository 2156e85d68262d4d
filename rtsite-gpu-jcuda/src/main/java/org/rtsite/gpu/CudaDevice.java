package org.rtsite.gpu;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.overlap.IsodoseBox;
import org.rtsite.core.overlap.OverlapCounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one CUDA device this JVM counts on: its primary context, the loaded overlap kernel and the
 * reusable per-stream buffers. Found once per JVM ({@link #detection()}); every failure on the
 * way (no libcuda, cuInit, no device, PTX that the driver cannot load) becomes a reason string,
 * never an exception. GPU work is serialised on this object.
 */
final class CudaDevice {
    private static final Logger LOG = LoggerFactory.getLogger(CudaDevice.class);

    static final String PTX_RESOURCE = "/org/rtsite/gpu/overlap.ptx";
    static final String KERNEL = "overlapCounts";
    /** PTX ISA 9.0 (nvcc 13.0) loads on drivers of CUDA 13.0 and later: R580 and later. */
    static final String PTX_REQUIREMENT = "PTX ISA 9.0, which needs an NVIDIA driver for CUDA 13.0 or later (R580+)";
    /** cuDriverGetVersion of the first driver that loads PTX ISA 9.0 (CUDA 13.0). */
    static final int PTX_DRIVER_API = 13000;
    /**
     * The ISA a driver older than {@link #PTX_DRIVER_API} is offered instead. nvcc 13 can only write
     * ISA 9.0, but the kernel uses nothing newer than ISA 6.0 (vote/match/shfl .sync, f64 atomics),
     * and PtxFreshnessTest checks with ptxas that the PTX relabelled as this ISA assembles for sm_75.
     * ISA 7.0 is CUDA 11.0, i.e. drivers R450 and later.
     */
    static final String FALLBACK_ISA = "7.0";
    /** System property choosing the device ordinal (default 0). */
    static final String DEVICE_PROPERTY = "rtsite.cuda.device";

    static final int THREADS = 256;
    private static final int BLOCKS_PER_SM = 8;
    private static final int DEFAULT_SHARED_BYTES = 48 * 1024;
    /** Two streams: the host packs one box while the GPU works on the other. */
    private static final int LANES = 2;

    /** The outcome of looking for a usable device: exactly one of the two is non-null. */
    record Detection(CudaDevice device, String unavailableReason) {
    }

    private static final class Holder {
        static final Detection DETECTION = detect();
    }

    static Detection detection() {
        return Holder.DETECTION;
    }

    private final CUcontext context;
    private final CUfunction kernel;
    private final String description;
    private final int multiprocessors;
    private final int sharedBytesPerBlock;
    private final Lane[] lanes = new Lane[LANES];

    private CudaDevice(CUcontext context, CUfunction kernel, String description, int multiprocessors,
                       int sharedBytesPerBlock) {
        this.context = context;
        this.kernel = kernel;
        this.description = description;
        this.multiprocessors = multiprocessors;
        this.sharedBytesPerBlock = sharedBytesPerBlock;
    }

    String description() {
        return description;
    }

    static Detection detect() {
        Detection d;
        boolean noDriver = false;
        String missing = driverMissing();
        try {
            d = missing != null ? new Detection(null, missing) : probe();
        } catch (LinkageError e) {
            noDriver = true;
            // JCudaDriver's static initialiser loads libJCudaDriver, which links libcuda.so.1.
            LOG.debug("JCuda driver library failed to load", e);
            d = new Detection(null, "the CUDA driver library libcuda.so.1 or JCuda's native library for "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                    + " could not be loaded: " + linkageSummary(e));
        } catch (RuntimeException e) {
            d = new Detection(null, "CUDA initialisation failed: " + e);
        }
        noDriver |= missing != null;
        if (d.device() != null) {
            LOG.info("CUDA overlap backend on {}", d.device().description());
        } else if (noDriver) {
            // The usual case on machines without an NVIDIA GPU: not worth a line in every run's log.
            LOG.debug("CUDA overlap backend unavailable: {}", d.unavailableReason());
        } else {
            LOG.info("CUDA overlap backend unavailable: {}", d.unavailableReason());
        }
        return d;
    }

    /**
     * Why no CUDA driver can be here, or null when one may be: no NVIDIA device node, no driver in /proc, and
     * libcuda.so.1 neither in the dynamic linker's cache nor in LD_LIBRARY_PATH. Then JCuda is not loaded at
     * all: loading it copies its native library out of its jar and fails to link it, which costs every run
     * on a machine without a GPU (most of them) a tenth of a second. Anything that hints at a driver goes
     * on to the real probe.
     */
    static String driverMissing() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return null;
        }
        for (String hint : new String[] {"/dev/nvidiactl", "/dev/nvidia0", "/dev/dxg", "/proc/driver/nvidia"}) {
            if (java.nio.file.Files.exists(java.nio.file.Path.of(hint))) {
                return null;
            }
        }
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String dir : ld.split(":")) {
                if (!dir.isBlank() && java.nio.file.Files.exists(java.nio.file.Path.of(dir, "libcuda.so.1"))) {
                    return null;
                }
            }
        }
        java.nio.file.Path cache = java.nio.file.Path.of("/etc/ld.so.cache");
        try {
            byte[] bytes = java.nio.file.Files.readAllBytes(cache);
            if (new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains("libcuda.so.1")) {
                return null;
            }
        } catch (java.io.IOException | RuntimeException e) {
            return null; // cannot tell: let the probe find out
        }
        return "the CUDA driver library libcuda.so.1 is not installed (not in " + cache
                + " nor LD_LIBRARY_PATH) and there is no NVIDIA device (/dev/nvidiactl, /proc/driver/nvidia)";
    }

    /**
     * The telling line of a native-library failure. JCuda's message holds the stack traces of its
     * attempts (java.library.path, then the copy from its jar); the last attempt names what is missing,
     * e.g. {@code libcuda.so.1: cannot open shared object file}.
     */
    static String linkageSummary(LinkageError e) {
        String message = String.valueOf(e.getMessage());
        String marker = "UnsatisfiedLinkError: ";
        String last = null;
        for (String line : message.split("\\R")) {
            int at = line.indexOf(marker);
            if (at >= 0) {
                last = line.substring(at + marker.length()).trim();
            }
        }
        return last != null ? last : e.getClass().getSimpleName() + ": " + message.lines().findFirst().orElse("");
    }

    private static Detection probe() {
        JCudaDriver.setExceptionsEnabled(true);
        try {
            cuInit(0);
        } catch (CudaException e) {
            return new Detection(null, "cuInit failed: " + e.getMessage());
        }
        int[] count = new int[1];
        cuDeviceGetCount(count);
        int ordinal = Integer.getInteger(DEVICE_PROPERTY, 0);
        if (count[0] == 0) {
            return new Detection(null, "the CUDA driver reports no device");
        }
        if (ordinal < 0 || ordinal >= count[0]) {
            return new Detection(null, "-D" + DEVICE_PROPERTY + "=" + ordinal + " but the CUDA driver reports "
                    + count[0] + " device(s)");
        }
        CUdevice dev = new CUdevice();
        cuDeviceGet(dev, ordinal);
        byte[] nameBytes = new byte[256];
        cuDeviceGetName(nameBytes, nameBytes.length, dev);
        String name = cString(nameBytes);
        int[] driver = new int[1];
        cuDriverGetVersion(driver);
        int major = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        int minor = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        int sms = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        String description = name + " (device " + ordinal + ", compute " + major + "." + minor + ", " + sms
                + " SMs, driver API " + driver[0] / 1000 + "." + (driver[0] % 1000) / 10 + ")";
        if (major < 7 || (major == 7 && minor < 5)) {
            return new Detection(null, description + " is older than compute capability 7.5, the PTX's target");
        }

        CUcontext ctx = new CUcontext();
        cuDevicePrimaryCtxRetain(ctx, dev);
        cuCtxSetCurrent(ctx);
        CUmodule module = new CUmodule();
        byte[] ptx = ptx();
        try {
            cuModuleLoadData(module, ptx);
        } catch (CudaException e) {
            if (driver[0] >= PTX_DRIVER_API) {
                return new Detection(null, "the driver of " + description + " cannot load the overlap kernel's PTX ("
                        + PTX_REQUIREMENT + "): " + e.getMessage());
            }
            // An older driver refuses the ISA number, not the code: see FALLBACK_ISA.
            try {
                cuModuleLoadData(module, relabelled(ptx, FALLBACK_ISA));
                LOG.info("driver API {} predates PTX ISA 9.0 ({}); loaded the kernel's PTX relabelled as ISA {}",
                        driver[0], e.getMessage(), FALLBACK_ISA);
            } catch (CudaException e2) {
                return new Detection(null, "the driver of " + description + " cannot load the overlap kernel's PTX ("
                        + PTX_REQUIREMENT + "): " + e.getMessage() + "; relabelled as PTX ISA " + FALLBACK_ISA
                        + " (drivers R450+): " + e2.getMessage());
            }
        }
        CUfunction fn = new CUfunction();
        cuModuleGetFunction(fn, module, KERNEL);
        int shared = DEFAULT_SHARED_BYTES;
        int optIn = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
        if (optIn > shared) {
            try {
                cuFuncSetAttribute(fn, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, optIn);
                shared = optIn;
            } catch (CudaException e) {
                LOG.debug("keeping {} bytes of shared memory per block: {}", shared, e.getMessage());
            }
        }
        return new Detection(new CudaDevice(ctx, fn, description, sms, shared), null);
    }

    private static int attribute(CUdevice dev, int attribute) {
        int[] v = new int[1];
        cuDeviceGetAttribute(v, attribute, dev);
        return v[0];
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.US_ASCII);
    }

    /** The committed PTX, NUL-terminated as cuModuleLoadData wants it. */
    static byte[] ptx() {
        try (InputStream in = CudaDevice.class.getResourceAsStream(PTX_RESOURCE)) {
            if (in == null) {
                throw new RtsiteException("resource " + PTX_RESOURCE + " is missing from rtsite-gpu-jcuda");
            }
            byte[] text = in.readAllBytes();
            return Arrays.copyOf(text, text.length + 1);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot read " + PTX_RESOURCE, e);
        }
    }

    /** The PTX with its {@code .version} line set to {@code isa}; nothing else changes. */
    static byte[] relabelled(byte[] ptx, String isa) {
        String text = new String(ptx, StandardCharsets.US_ASCII);
        String out = text.replaceFirst("(?m)^\\.version \\d+\\.\\d+$", ".version " + isa);
        if (out.equals(text) && !text.contains("\n.version " + isa + "\n")) {
            throw new RtsiteException("the overlap PTX has no .version line to relabel");
        }
        return out.getBytes(StandardCharsets.US_ASCII);
    }

    /** Grid size: enough blocks to fill every SM, no more than the box has warps for. */
    static int blocksFor(int voxels, int multiprocessors) {
        long needed = (voxels + (long) THREADS - 1) / THREADS;
        return (int) Math.max(1, Math.min(needed, (long) multiprocessors * BLOCKS_PER_SM));
    }

    synchronized List<OverlapCounts> countAll(List<IsodoseBox> boxes) {
        Objects.requireNonNull(boxes, "boxes");
        // Every box is checked before any is sent, so that a bad box fails the batch up front.
        BoxLayout[] layouts = new BoxLayout[boxes.size()];
        for (int b = 0; b < layouts.length; b++) {
            IsodoseBox box = boxes.get(b);
            if (box == null) {
                throw new NullPointerException("isodose box " + b + " of the batch is null");
            }
            layouts[b] = BoxLayout.of(box);
        }
        OverlapCounts[] results = new OverlapCounts[boxes.size()];
        boolean done = false;
        try {
            cuCtxSetCurrent(context);
            for (int b = 0; b < boxes.size(); b++) {
                Lane lane = lane(b % LANES);
                lane.collect(results);
                lane.submit(b, boxes.get(b), layouts[b]);
            }
            for (Lane lane : lanes) {
                if (lane != null) {
                    lane.collect(results);
                }
            }
            done = true;
        } catch (CudaException e) {
            throw new RtsiteException("CUDA overlap counting failed on " + description + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                abandon();
            }
        }
        return List.of(results);
    }

    /** After a failed batch: waits for what is still queued so that no lane holds another batch's box. */
    private void abandon() {
        for (Lane lane : lanes) {
            if (lane != null && lane.pending >= 0) {
                lane.pending = -1;
                try {
                    cuStreamSynchronize(lane.stream);
                } catch (CudaException e) {
                    LOG.debug("stream of an abandoned batch failed: {}", e.getMessage());
                }
            }
        }
    }

    /** Uploads {@code box} once; see {@link ResidentBox}. */
    synchronized ResidentBox upload(IsodoseBox box) {
        BoxLayout layout = BoxLayout.of(box);
        CountsLayout out = CountsLayout.of(layout);
        Lane staging = null;
        try {
            cuCtxSetCurrent(context);
            staging = new Lane();
            staging.ensure(layout.bytes(), out.bytes());
            layout.pack(box, staging.hostIn);
            staging.level85 = box.level85();
            staging.level50 = box.level50();
            cuMemcpyHtoDAsync(staging.devIn, staging.hostInPtr, layout.bytes(), staging.stream);
            cuStreamSynchronize(staging.stream);
        } catch (RuntimeException e) {
            if (staging != null) {
                try {
                    staging.free();
                } catch (CudaException f) {
                    e.addSuppressed(f);
                }
            }
            if (e instanceof CudaException) {
                throw new RtsiteException("cannot upload isodose box " + box.grid().describe() + " to " + description
                        + ": " + e.getMessage(), e);
            }
            throw e;
        }
        return new ResidentBox(this, staging, layout);
    }

    /** Zeroes the output, launches the kernel group by group and copies the counts back, all on {@code lane}'s stream. */
    void enqueueCount(Lane lane, BoxLayout layout) {
        enqueueKernels(lane, layout);
        cuMemcpyDtoHAsync(lane.hostOutPtr, lane.devOut, CountsLayout.of(layout).bytes(), lane.stream);
    }

    /** Zeroes the output and launches the kernel group by group on {@code lane}'s stream. */
    private void enqueueKernels(Lane lane, BoxLayout layout) {
        CountsLayout out = CountsLayout.of(layout);
        cuMemsetD8Async(lane.devOut, (byte) 0, out.bytes(), lane.stream);
        int blocks = blocksFor(layout.voxels(), multiprocessors);
        for (LaunchPlan.Group g : LaunchPlan.plan(layout.maps(), layout.masks(), sharedBytesPerBlock).launches()) {
            Pointer params = KernelArgs.overlapCounts(lane.devIn, lane.devOut, layout, out, g, lane.level85,
                    lane.level50).params();
            cuLaunchKernel(kernel, blocks, 1, 1, THREADS, 1, 1, g.sharedBytes(), lane.stream, params, null);
        }
    }

    /** Mean milliseconds of {@code repeats} zero-and-count launches on a resident box, timed by CUDA events. */
    synchronized double timeResident(Lane lane, BoxLayout layout, int repeats) {
        cuCtxSetCurrent(context);
        CUevent start = new CUevent();
        CUevent stop = new CUevent();
        try {
            cuEventCreate(start, CUevent_flags.CU_EVENT_DEFAULT);
            cuEventCreate(stop, CUevent_flags.CU_EVENT_DEFAULT);
            enqueueKernels(lane, layout);
            cuEventRecord(start, lane.stream);
            for (int r = 0; r < repeats; r++) {
                enqueueKernels(lane, layout);
            }
            cuEventRecord(stop, lane.stream);
            cuEventSynchronize(stop);
            float[] ms = new float[1];
            cuEventElapsedTime(ms, start, stop);
            return ms[0] / repeats;
        } catch (CudaException e) {
            throw new RtsiteException("CUDA kernel timing failed on " + description + ": " + e.getMessage(), e);
        } finally {
            cuEventDestroy(start);
            cuEventDestroy(stop);
        }
    }

    /** Counts a box that {@link #upload} left on the device: kernel and result copy only. */
    synchronized OverlapCounts countResident(Lane lane, BoxLayout layout) {
        cuCtxSetCurrent(context);
        try {
            enqueueCount(lane, layout);
            cuStreamSynchronize(lane.stream);
        } catch (CudaException e) {
            throw new RtsiteException("CUDA overlap counting failed on " + description + ": " + e.getMessage(), e);
        }
        return CountsLayout.of(layout).unpack(lane.hostOut, layout.voxels());
    }

    synchronized void release(Lane lane) {
        cuCtxSetCurrent(context);
        lane.free();
    }

    private Lane lane(int i) {
        if (lanes[i] == null) {
            lanes[i] = new Lane();
        }
        return lanes[i];
    }

    /**
     * One stream with its pinned host buffers and device buffers, grown when a larger box comes
     * and otherwise reused from box to box.
     */
    final class Lane {
        final CUstream stream = new CUstream();
        Pointer hostInPtr;
        ByteBuffer hostIn;
        Pointer hostOutPtr;
        ByteBuffer hostOut;
        CUdeviceptr devIn;
        CUdeviceptr devOut;
        long inCapacity;
        long outCapacity;
        int pending = -1;
        long pendingVoxels;
        CountsLayout pendingOut;
        float level85;
        float level50;

        Lane() {
            cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
        }

        void ensure(long inBytes, long outBytes) {
            if (inBytes > inCapacity) {
                long cap = Math.min(BoxLayout.MAX_BYTES, Math.max(inBytes, inCapacity + inCapacity / 2));
                freeIn();
                Buffers b = allocate(cap, "input");
                devIn = b.device;
                hostInPtr = b.host;
                hostIn = b.view;
                inCapacity = cap;
            }
            if (outBytes > outCapacity) {
                freeOut();
                Buffers b = allocate(outBytes, "output");
                devOut = b.device;
                hostOutPtr = b.host;
                hostOut = b.view;
                outCapacity = outBytes;
            }
        }

        private record Buffers(CUdeviceptr device, Pointer host, ByteBuffer view) {
        }

        /** A device buffer and its pinned host twin, both or neither. */
        private Buffers allocate(long bytes, String what) {
            CUdeviceptr device = new CUdeviceptr();
            try {
                cuMemAlloc(device, bytes);
            } catch (CudaException e) {
                throw new RtsiteException("cannot allocate " + bytes + " bytes of " + what + " buffer on "
                        + description + ": " + e.getMessage(), e);
            }
            Pointer host = new Pointer();
            try {
                cuMemAllocHost(host, bytes);
            } catch (CudaException e) {
                cuMemFree(device);
                throw new RtsiteException("cannot allocate " + bytes + " bytes of pinned host memory for the "
                        + what + " buffer of " + description + ": " + e.getMessage(), e);
            }
            return new Buffers(device, host, host.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder()));
        }

        /** Packs and enqueues box {@code index}; the pinned input buffer is free because {@link #collect} ran first. */
        void submit(int index, IsodoseBox box, BoxLayout layout) {
            CountsLayout out = CountsLayout.of(layout);
            ensure(layout.bytes(), out.bytes());
            layout.pack(box, hostIn);
            level85 = box.level85();
            level50 = box.level50();
            cuMemcpyHtoDAsync(devIn, hostInPtr, layout.bytes(), stream);
            enqueueCount(this, layout);
            pending = index;
            pendingVoxels = layout.voxels();
            pendingOut = out;
        }

        /** Waits for this lane's box, if any, and stores its counts. */
        void collect(OverlapCounts[] results) {
            if (pending < 0) {
                return;
            }
            cuStreamSynchronize(stream);
            results[pending] = pendingOut.unpack(hostOut, pendingVoxels);
            pending = -1;
        }

        private void freeIn() {
            if (devIn != null) {
                cuMemFree(devIn);
                cuMemFreeHost(hostInPtr);
                devIn = null;
                hostIn = null;
                inCapacity = 0;
            }
        }

        private void freeOut() {
            if (devOut != null) {
                cuMemFree(devOut);
                cuMemFreeHost(hostOutPtr);
                devOut = null;
                hostOut = null;
                outCapacity = 0;
            }
        }

        void free() {
            freeIn();
            freeOut();
            cuStreamDestroy(stream);
        }
    }
}
