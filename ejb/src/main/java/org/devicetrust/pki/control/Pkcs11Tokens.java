package org.devicetrust.pki.control;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The tokens a PKCS#11 module offers, by slot and label, to find a token by its label. SunPKCS11 selects a token
 * by slot only and its public API does not show labels, so this asks the module through the JDK's own PKCS#11
 * wrapper ({@code C_GetSlotList}, {@code C_GetTokenInfo}), the same module instance SunPKCS11 uses (initialized
 * once per process). The wrapper's package is not exported: the JVM needs
 * {@code --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED} (the domain and the
 * command-line tool have it), else a label is refused with that advice; a slot works without it.
 */
public final class Pkcs11Tokens {

    /** A slot that holds a token, and the token's label (trailing blanks removed; null when it cannot be read). */
    public record Slot(long id, int listIndex, String label) {}

    static final String EXPORT = "--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED";
    private static final String WRAPPER = "sun.security.pkcs11.wrapper.";
    private static final long CKF_OS_LOCKING_OK = 0x2L; // what SunPKCS11 initializes the module with

    private Pkcs11Tokens() {}

    /**
     * The slots with a token, in the module's order (the order {@code slotListIndex} counts in).
     *
     * @throws KeyStoreUnavailableException when the module cannot be asked
     */
    public static List<Slot> list(Pkcs11Settings settings) {
        try {
            Class<?> pkcs11 = Class.forName(WRAPPER + "PKCS11");
            Class<?> initArgsType = Class.forName(WRAPPER + "CK_C_INITIALIZE_ARGS");
            Object initArgs = initArgsType.getConstructor().newInstance();
            initArgsType.getField("flags").setLong(initArgs, CKF_OS_LOCKING_OK);
            Method getInstance =
                    pkcs11.getMethod("getInstance", String.class, String.class, initArgsType, boolean.class);
            Object module =
                    getInstance.invoke(null, settings.library().toString(), "C_GetFunctionList", initArgs, false);
            long[] slots =
                    (long[]) pkcs11.getMethod("C_GetSlotList", boolean.class).invoke(module, true);
            Method tokenInfo = pkcs11.getMethod("C_GetTokenInfo", long.class);
            List<Slot> result = new ArrayList<>();
            for (int i = 0; i < slots.length; i++) {
                String label;
                try {
                    Object info = tokenInfo.invoke(module, slots[i]);
                    label = new String(
                                    (char[]) info.getClass().getField("label").get(info))
                            .stripTrailing();
                } catch (InvocationTargetException e) {
                    label = null; // a token that is going away (removed, its files gone): no label to match
                }
                result.add(new Slot(slots[i], i, label));
            }
            return result;
        } catch (IllegalAccessException e) {
            throw new KeyStoreUnavailableException(settings.describe() + ": a token label needs the JVM option "
                    + EXPORT + " (or configure the slot instead)");
        } catch (InvocationTargetException e) {
            throw new KeyStoreUnavailableException(
                    settings.describe() + ": cannot list the module's tokens (" + message(e.getCause()) + ")");
        } catch (ReflectiveOperationException e) {
            throw new KeyStoreUnavailableException(
                    settings.describe() + ": this JDK has no PKCS#11 wrapper to find a token by label (" + message(e)
                            + "); configure the slot instead");
        } catch (RuntimeException e) {
            throw new KeyStoreUnavailableException(
                    settings.describe() + ": cannot list the module's tokens (" + message(e) + ")");
        }
    }

    /**
     * The settings with the labelled token's slot. A slot or slot list index configured as well must be where
     * that token is.
     *
     * @throws KeyStoreUnavailableException no token with that label, several, or not where the slot says
     */
    static Pkcs11Settings resolve(Pkcs11Settings settings) {
        if (settings.tokenLabel() == null) {
            return settings;
        }
        List<Slot> slots = list(settings);
        List<Slot> labelled = slots.stream()
                .filter(s -> settings.tokenLabel().equals(s.label()))
                .toList();
        if (labelled.isEmpty()) {
            throw new KeyStoreUnavailableException(settings.describe() + ": no token has this label (tokens: "
                    + slots.stream()
                            .map(s -> "'" + s.label() + "' in slot " + s.id())
                            .collect(Collectors.joining(", "))
                    + ")");
        }
        if (labelled.size() > 1) {
            throw new KeyStoreUnavailableException(settings.describe() + ": " + labelled.size()
                    + " tokens have this label (slots "
                    + labelled.stream().map(s -> String.valueOf(s.id())).collect(Collectors.joining(", "))
                    + "); give each token its own label, or configure the slot");
        }
        Slot found = labelled.get(0);
        if (settings.slot() >= 0 && settings.slot() != found.id()) {
            throw new KeyStoreUnavailableException(settings.describe() + ": the token with this label is in slot "
                    + found.id() + ", not in the configured slot " + settings.slot()
                    + "; the slot and the label disagree");
        }
        if (settings.slotListIndex() >= 0 && settings.slotListIndex() != found.listIndex()) {
            throw new KeyStoreUnavailableException(settings.describe()
                    + ": the token with this label is at slot list index " + found.listIndex() + ", not at the"
                    + " configured index " + settings.slotListIndex() + "; the slot list index and the label disagree");
        }
        return settings.inSlot(found.id());
    }

    private static String message(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
