package org.devicetrust.firmware.control;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The key slots the fleet's ROM holds: up to three SHA-256 digests of firmware signing keys, in slot order, and the
 * slots revoked since (the eFuse revocation bits). An image counts as trusted only when its key digest is in a slot
 * that is not revoked: the same decision the device's ROM and bootloader make.
 */
public final class TrustedKeySlots {

    /** formats.txt KEY_SLOTS. */
    public static final int KEY_SLOTS = 3;

    /** What a key digest is to the fleet. */
    public sealed interface Verdict {}

    public record Trusted(int slot) implements Verdict {}

    public record Revoked(int slot) implements Verdict {}

    public record Untrusted() implements Verdict {}

    private final List<byte[]> digests;
    private final int revokedMask;

    public TrustedKeySlots(List<byte[]> digests, int revokedMask) {
        if (digests.isEmpty() || digests.size() > KEY_SLOTS) {
            throw new IllegalArgumentException("1 to " + KEY_SLOTS + " key slots");
        }
        List<byte[]> copy = new ArrayList<>();
        for (byte[] d : digests) {
            if (d == null || d.length != FirmwareManifest.DIGEST_SIZE) {
                throw new IllegalArgumentException("a key slot holds a 32-byte SHA-256 digest");
            }
            copy.add(d.clone());
        }
        if ((revokedMask & ~((1 << KEY_SLOTS) - 1)) != 0) {
            throw new IllegalArgumentException("revoked slots must be 0.." + (KEY_SLOTS - 1));
        }
        this.digests = List.copyOf(copy);
        this.revokedMask = revokedMask;
    }

    /**
     * Reads the configured slots: comma-separated 64-hex-digit digests in slot order (an empty entry is an empty
     * slot) and comma-separated revoked slot numbers.
     */
    public static TrustedKeySlots parse(String digestList, String revokedList) {
        List<byte[]> digests = new ArrayList<>();
        for (String part : digestList.split(",", -1)) {
            String hex = part.strip();
            if (hex.isEmpty()) {
                digests.add(new byte[FirmwareManifest.DIGEST_SIZE]);
                continue;
            }
            if (!hex.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("a key slot digest is 64 hexadecimal digits: " + hex);
            }
            digests.add(HexFormat.of().parseHex(hex));
        }
        int mask = 0;
        for (String part : revokedList.split(",")) {
            String slot = part.strip();
            if (slot.isEmpty()) {
                continue;
            }
            if (!slot.matches("[0-9]")) {
                throw new IllegalArgumentException("a revoked key slot is a slot number 0.." + (KEY_SLOTS - 1));
            }
            int n = Integer.parseInt(slot);
            if (n >= KEY_SLOTS) {
                throw new IllegalArgumentException("a revoked key slot is a slot number 0.." + (KEY_SLOTS - 1));
            }
            mask |= 1 << n;
        }
        return new TrustedKeySlots(digests, mask);
    }

    /** Visits every slot whatever matches; an all-zero slot is empty and matches nothing. */
    public Verdict judge(byte[] keyDigest) {
        int found = -1;
        byte[] empty = new byte[FirmwareManifest.DIGEST_SIZE];
        for (int i = 0; i < digests.size(); i++) {
            boolean equal = MessageDigest.isEqual(digests.get(i), keyDigest);
            boolean isEmpty = MessageDigest.isEqual(digests.get(i), empty);
            if (equal && !isEmpty && found < 0) {
                found = i;
            }
        }
        if (found < 0) {
            return new Untrusted();
        }
        return ((revokedMask >> found) & 1) != 0 ? new Revoked(found) : new Trusted(found);
    }

    public int slots() {
        return digests.size();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("TrustedKeySlots[");
        for (int i = 0; i < digests.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(i).append(": ").append(FirmwareKeys.hex(digests.get(i)), 0, 16);
            s.append(((revokedMask >> i) & 1) != 0 ? " (revoked)" : "");
        }
        return s.append(']').toString();
    }
}
