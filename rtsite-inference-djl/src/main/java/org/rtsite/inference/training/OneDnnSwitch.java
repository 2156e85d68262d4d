package org.rtsite.inference.training;

import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Path;
import org.rtsite.core.RtsiteException;

/**
 * Turns PyTorch's oneDNN (MKLDNN) CPU convolutions off while a {@link TrainableNetwork} is open, and back to what they
 * were when the last one closes.
 *
 * <p>Why: in DJL's {@code pytorch-native-cpu} 2.7.1 (oneDNN 3.7.1) the oneDNN backward pass of a 3-D convolution
 * whose channel count is not a multiple of the 16-channel block returns a wrong gradient for the convolution's input:
 * it differs from finite differences and from PyTorch's own kernels by as much as the gradient itself, and it is NaN
 * whenever the memory the kernel reads without writing it first holds a NaN bit pattern, which differs from process
 * to process (docs/finetune.md, "Wrong gradients from oneDNN"). PyTorch picks oneDNN for a convolution when the batch
 * is larger than 1, the kernel larger than 3, the image large or more than one intra-op thread runs; with it off,
 * every convolution runs on PyTorch's native kernels, whose gradients match finite differences.
 *
 * <p>DJL has no call for the switch, so this calls libtorch's {@code at::globalContext().setUserEnabledMkldnn(bool)}
 * through JNA (Itanium C++ ABI: Linux and macOS). The setting is process-wide: inference that runs in the same process
 * while a network trains runs on the native kernels too (same results, slower on CPU).
 */
final class OneDnnSwitch {
    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET_ENABLED = "_ZN2at7Context20setUserEnabledMkldnnEb";
    private static final String IS_ENABLED = "_ZNK2at7Context17userEnabledMkldnnEv";

    private static int users;
    private static boolean enabledBefore;

    private OneDnnSwitch() {
    }

    /** Turns oneDNN off (the first holder remembers whether it was on). */
    static synchronized void acquire() {
        if (users == 0) {
            enabledBefore = enabled();
            set(false);
        }
        users++;
    }

    /** Undoes one {@link #acquire}; the last restores the setting found by the first. */
    static synchronized void release() {
        if (users == 0) {
            return;
        }
        users--;
        if (users == 0 && enabledBefore) {
            set(true);
        }
    }

    /** Whether PyTorch may use oneDNN now. */
    static synchronized boolean enabled() {
        // a C++ bool comes back in the low byte only
        return (function(IS_ENABLED).invokeInt(new Object[] {context()}) & 0xFF) != 0;
    }

    /** Sets the switch directly, ignoring holders: for the test that checks the fault is still there. */
    static synchronized void set(boolean on) {
        function(SET_ENABLED).invokeVoid(new Object[] {context(), on ? 1 : 0});
    }

    private static Pointer context() {
        return function(GLOBAL_CONTEXT).invokePointer(new Object[0]);
    }

    private static Function function(String symbol) {
        Path lib = Path.of(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("torch_cpu"));
        try {
            return NativeLibrary.getInstance(lib.toString()).getFunction(symbol);
        } catch (UnsatisfiedLinkError e) {
            throw new RtsiteException("cannot switch PyTorch's oneDNN convolutions off for fine-tuning (" + symbol + " not found in "
                    + lib + "): their backward pass gives wrong gradients in libtorch 2.7.1 (docs/finetune.md)", e);
        }
    }
}
