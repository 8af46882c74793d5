package org.devicetrust.firmware.control;

/** What a signed firmware image is for; the byte value is the manifest's image type field. */
public enum ImageType {
    BOOTLOADER(1),
    APP(2);

    private final int code;

    ImageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static ImageType fromCode(int code) {
        for (ImageType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown image type " + code);
    }
}
