package org.rtsite.nifti;

import org.rtsite.core.InvalidInputException;

/** The NIfTI-1 voxel types rtsite reads and writes (the {@code datatype} header field). */
public enum NiftiDatatype {
    UINT8(2, 8), INT16(4, 16), INT32(8, 32), FLOAT32(16, 32), FLOAT64(64, 64), INT8(256, 8), UINT16(512, 16);

    private final int code;
    private final int bitpix;

    NiftiDatatype(int code, int bitpix) {
        this.code = code;
        this.bitpix = bitpix;
    }

    public int code() {
        return code;
    }

    public int bitpix() {
        return bitpix;
    }

    public int bytes() {
        return bitpix / 8;
    }

    static NiftiDatatype ofCode(int code, String file) {
        for (NiftiDatatype t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new InvalidInputException("NIfTI file " + file + ": datatype " + code
                + " is not supported (uint8, int8, int16, uint16, int32, float32, float64 are)");
    }
}
