package org.devicetrust.pki.control;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the CA keys' PKCS#11 token is: the module (shared library) and the token, by its slot id ({@code slot}),
 * by its position in the module's list of slots with a token ({@code slotListIndex}), or by its label
 * ({@code tokenLabel}, resolved to its slot when the store opens, see {@link Pkcs11Tokens}). The slot and the slot
 * list index are not both set (negative = unset); a label may come with either, and must then name the token in
 * that slot. The PIN is not part of the settings: it is read from its own secret.
 */
public record Pkcs11Settings(Path library, long slot, int slotListIndex, String tokenLabel) {

    /** PKCS#11 labels are 32 bytes, blank-padded. */
    public static final int MAX_LABEL_LENGTH = 32;

    public Pkcs11Settings {
        Objects.requireNonNull(library, "library");
        if (slot >= 0 && slotListIndex >= 0) {
            throw new IllegalArgumentException("set either the PKCS#11 slot or the slot list index, not both");
        }
        if (tokenLabel != null) {
            tokenLabel = tokenLabel.strip();
            if (tokenLabel.isEmpty() || tokenLabel.length() > MAX_LABEL_LENGTH) {
                throw new IllegalArgumentException(
                        "the PKCS#11 token label must be 1 to " + MAX_LABEL_LENGTH + " characters");
            }
        }
        if (slot < 0 && slotListIndex < 0 && tokenLabel == null) {
            throw new IllegalArgumentException("set the PKCS#11 slot, the slot list index or the token label");
        }
    }

    public static Pkcs11Settings slot(Path library, long slot) {
        return new Pkcs11Settings(library, slot, -1, null);
    }

    public static Pkcs11Settings slotListIndex(Path library, int index) {
        return new Pkcs11Settings(library, -1, index, null);
    }

    public static Pkcs11Settings tokenLabel(Path library, String label) {
        return new Pkcs11Settings(library, -1, -1, label);
    }

    /**
     * The settings as configured: any of slot, slot list index and label; none of them = slot list index 0 (the
     * first token).
     */
    public static Pkcs11Settings of(
            Path library, Optional<Long> slot, Optional<Integer> slotListIndex, Optional<String> tokenLabel) {
        Optional<String> label = tokenLabel.filter(l -> !l.isBlank());
        if (slot.isEmpty() && slotListIndex.isEmpty() && label.isEmpty()) {
            return slotListIndex(library, 0);
        }
        return new Pkcs11Settings(library, slot.orElse(-1L), slotListIndex.orElse(-1), label.orElse(null));
    }

    /** The same token, now addressed by the slot its label was found in. */
    Pkcs11Settings inSlot(long resolvedSlot) {
        return new Pkcs11Settings(library, resolvedSlot, -1, tokenLabel);
    }

    /** For messages: the module, the slot and the label, never the PIN. */
    public String describe() {
        String where = slot >= 0 ? "in slot " + slot : slotListIndex >= 0 ? "at slot list index " + slotListIndex : "";
        String token = tokenLabel == null ? "PKCS#11 token " : "PKCS#11 token '" + tokenLabel + "' ";
        return token + (where.isEmpty() ? "" : where + " ") + "of " + library;
    }

    /**
     * The SunPKCS11 configuration. Private keys the provider generates become token objects, and every private
     * key it creates (generated or imported) is sensitive and not extractable, so no key leaves the token.
     */
    String sunPkcs11Config(String name) {
        if (slot < 0 && slotListIndex < 0) {
            throw new IllegalStateException("the token label is resolved to its slot first");
        }
        return "name = " + name + "\n"
                + "library = " + library + "\n"
                + (slot >= 0 ? "slot = " + slot : "slotListIndex = " + slotListIndex) + "\n"
                + "attributes(generate, CKO_PRIVATE_KEY, *) = {\n"
                + "  CKA_TOKEN = true\n"
                + "  CKA_PRIVATE = true\n"
                + "  CKA_SENSITIVE = true\n"
                + "  CKA_EXTRACTABLE = false\n"
                + "  CKA_SIGN = true\n"
                + "}\n"
                + "attributes(import, CKO_PRIVATE_KEY, *) = {\n"
                + "  CKA_TOKEN = true\n"
                + "  CKA_PRIVATE = true\n"
                + "  CKA_SENSITIVE = true\n"
                + "  CKA_EXTRACTABLE = false\n"
                + "}\n";
    }
}
