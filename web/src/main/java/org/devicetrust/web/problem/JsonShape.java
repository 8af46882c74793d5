package org.devicetrust.web.problem;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.NoSuchElementException;

/**
 * Checks that a request body is UTF-8 and exactly one well-formed JSON value nested at most {@link #MAX_DEPTH} levels,
 * with one streaming pass, before JSON-B binds it. Two things make this necessary rather than tidy: JSON-B's
 * recursive binding would meet a nesting bomb with a {@code StackOverflowError}, and Yasson 3.0.4 on the JSON-P
 * that Payara bundles loops forever when it skips an unknown property whose array is cut off ({@code {"x":[}):
 * one such 7-byte body would hold a request thread at full CPU for good. The streaming parser reports both as
 * errors.
 */
final class JsonShape {

    /** The admin API's requests nest 3 levels; this leaves room and stops bombs. */
    static final int MAX_DEPTH = 32;

    private JsonShape() {}

    /** @return {@code null} when the body is one JSON value within the depth, else why not */
    static String check(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            return "not UTF-8 (RFC 8259 section 8.1)";
        }
        int depth = 0;
        boolean complete = false;
        try (JsonParser parser = Json.createParser(new StringReader(text))) {
            while (parser.hasNext()) {
                if (complete) {
                    return "more than one JSON value";
                }
                switch (parser.next()) {
                    case START_OBJECT, START_ARRAY -> {
                        if (++depth > MAX_DEPTH) {
                            return "JSON nested deeper than " + MAX_DEPTH + " levels";
                        }
                    }
                    case END_OBJECT, END_ARRAY -> complete = --depth == 0;
                    case KEY_NAME -> {}
                    default -> complete = depth == 0;
                }
            }
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            return "malformed JSON";
        }
        return complete ? null : "truncated JSON";
    }
}
