package org.devicetrust.pki.control;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the CA keys' PKCS#11 token is: the module (shared library) and the slot, by its id ({@code slot}) or by
 * its position in the module's list of slots with a token ({@code slotListIndex}); exactly one of the two is
 * set (negative = unset). The PIN is not part of the settings: it is read from its own secret.
 */
public record Pkcs11Settings(Path library, long slot, int slotListIndex) {

    public Pkcs11Settings {
        Objects.requireNonNull(library, "library");
        if ((slot < 0) == (slotListIndex < 0)) {
            throw new IllegalArgumentException("set either the PKCS#11 slot or the slot list index, not both");
        }
    }

    public static Pkcs11Settings slot(Path library, long slot) {
        return new Pkcs11Settings(library, slot, -1);
    }

    public static Pkcs11Settings slotListIndex(Path library, int index) {
        return new Pkcs11Settings(library, -1, index);
    }

    /** For messages: the module and the slot, never the PIN. */
    public String describe() {
        return "PKCS#11 token " + (slot >= 0 ? "in slot " + slot : "at slot list index " + slotListIndex) + " of "
                + library;
    }

    /**
     * The SunPKCS11 configuration. Private keys the provider generates become token objects, and every private
     * key it creates (generated or imported) is sensitive and not extractable, so no key leaves the token.
     */
    String sunPkcs11Config(String name) {
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
