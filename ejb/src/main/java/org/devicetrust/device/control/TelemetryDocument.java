package org.devicetrust.device.control;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParser;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * A telemetry document as a device sends it: one JSON object in UTF-8, at most {@link #MAX_BYTES} bytes,
 * nested at most {@link #MAX_DEPTH} levels. Anything else is refused before it is stored. Pure.
 */
public final class TelemetryDocument {

    public static final int MAX_BYTES = 8 * 1024;
    public static final int MAX_DEPTH = 16;

    /** Why a document was refused; the message says what to fix. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean tooLarge;

        Invalid(String message, boolean tooLarge) {
            super(message);
            this.tooLarge = tooLarge;
        }

        public boolean tooLarge() {
            return tooLarge;
        }
    }

    private TelemetryDocument() {}

    /** Validates and returns the document in compact form (what is stored). */
    public static String parse(byte[] utf8) throws Invalid {
        if (utf8 == null || utf8.length == 0) {
            throw new Invalid("telemetry must be a JSON object", false);
        }
        if (utf8.length > MAX_BYTES) {
            throw new Invalid("telemetry is limited to " + MAX_BYTES + " bytes", true);
        }
        checkDepth(utf8);
        try (var reader = Json.createReader(new ByteArrayInputStream(utf8))) {
            JsonObject object = reader.readObject();
            String compact = object.toString();
            if (!wellFormedUnicode(compact)) {
                // JSON allows an unpaired surrogate escape; stored as UTF-8 it would silently become a "?".
                throw new Invalid("telemetry strings must be valid Unicode (an unpaired surrogate escape)", false);
            }
            if (compact.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
                throw new Invalid("telemetry is limited to " + MAX_BYTES + " bytes", true);
            }
            return compact;
        } catch (JsonException | IllegalStateException e) {
            throw new Invalid("telemetry must be one well-formed JSON object", false);
        } catch (NumberFormatException | ArithmeticException e) {
            // Parsson turns numbers into BigDecimal, whose exponent is an int: 1E44444444444 is valid JSON it cannot
            // hold.
            throw new Invalid("telemetry numbers must have an exponent within the range of a 32-bit integer", false);
        }
    }

    /** Whether every surrogate in {@code text} is half of a pair, so the text survives UTF-8 unchanged. */
    static boolean wellFormedUnicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Streams once to bound nesting before the tree is built. */
    private static void checkDepth(byte[] utf8) throws Invalid {
        int depth = 0;
        try (JsonParser parser = Json.createParser(new ByteArrayInputStream(utf8))) {
            while (parser.hasNext()) {
                switch (parser.next()) {
                    case START_OBJECT, START_ARRAY -> {
                        if (++depth > MAX_DEPTH) {
                            throw new Invalid("telemetry may nest at most " + MAX_DEPTH + " levels", false);
                        }
                    }
                    case END_OBJECT, END_ARRAY -> depth--;
                    default -> {}
                }
            }
        } catch (JsonException | IllegalStateException e) {
            throw new Invalid("telemetry must be one well-formed JSON object", false);
        }
    }
}
