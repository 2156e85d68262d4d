package org.rtsite.dicom;

/** Pixel data in a compressed transfer syntax that rtsite cannot decode; names the syntax UID and the file. */
public class UnsupportedTransferSyntaxException extends DicomFormatException {
    private static final long serialVersionUID = 1L;

    private final String transferSyntaxUid;

    public UnsupportedTransferSyntaxException(String source, String transferSyntaxUid, String why) {
        super(source, NO_OFFSET, Tag.PixelData, "cannot decode pixel data in transfer syntax " + transferSyntaxUid
                + " (" + TransferSyntax.name(transferSyntaxUid) + "): " + why);
        this.transferSyntaxUid = transferSyntaxUid;
    }

    public String transferSyntaxUid() {
        return transferSyntaxUid;
    }
}
