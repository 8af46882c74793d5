package org.devicetrust.web.device;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.devicetrust.firmware.boundary.DeviceUpdates.StatusReport;
import org.devicetrust.platform.boundary.ProblemType;
import org.devicetrust.web.problem.InvalidRequest;

/**
 * A device's update status report, read in one streaming pass: one flat JSON object with exactly the members
 * {@code seq, state, offset, code, runningVersion, buildId, efuseSv}, each once, numbers whole and within their
 * Java type, strings as strings. No nesting is accepted at all, so a depth bomb ends at its first bracket. The
 * values' business ranges (seq from 1, a state a device reports, efuseSv 0..64) are the boundary's to judge.
 */
final class StatusReportJson {

    /** A report is far smaller; the body is read only up to one byte past this. */
    static final int MAX_BYTES = 1024;

    private static final Set<String> NUMBERS = Set.of("seq", "offset", "code", "runningVersion", "efuseSv");
    private static final Set<String> STRINGS = Set.of("state", "buildId");

    private StatusReportJson() {}

    /** @throws InvalidRequest json-invalid, saying what is wrong */
    static StatusReport parse(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw invalid("the body is not UTF-8");
        }
        Map<String, Object> members = new HashMap<>();
        try (JsonParser parser = Json.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                throw invalid("the body is one JSON object");
            }
            while (true) {
                JsonParser.Event event = parser.next();
                if (event == JsonParser.Event.END_OBJECT) {
                    break;
                }
                String name = parser.getString(); // a KEY_NAME: the parser allows nothing else here
                if (!NUMBERS.contains(name) && !STRINGS.contains(name)) {
                    throw invalid("unknown member \"" + clip(name) + "\"");
                }
                if (members.containsKey(name)) {
                    throw invalid("member " + name + " twice");
                }
                JsonParser.Event value = parser.next();
                if (NUMBERS.contains(name)) {
                    if (value != JsonParser.Event.VALUE_NUMBER || !parser.isIntegralNumber()) {
                        throw invalid(name + " must be a whole number");
                    }
                    members.put(name, parser.getBigDecimal());
                } else {
                    if (value != JsonParser.Event.VALUE_STRING) {
                        throw invalid(name + " must be a string");
                    }
                    members.put(name, parser.getString());
                }
            }
            if (parser.hasNext()) {
                throw invalid("more than one JSON value");
            }
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            throw invalid("malformed or truncated JSON");
        }
        for (String name : NUMBERS) {
            if (!members.containsKey(name)) {
                throw invalid("member " + name + " is missing");
            }
        }
        for (String name : STRINGS) {
            if (!members.containsKey(name)) {
                throw invalid("member " + name + " is missing");
            }
        }
        return new StatusReport(
                asLong(members, "seq"),
                (String) members.get("state"),
                asLong(members, "offset"),
                asInt(members, "code"),
                asLong(members, "runningVersion"),
                (String) members.get("buildId"),
                asInt(members, "efuseSv"));
    }

    private static long asLong(Map<String, Object> members, String name) {
        try {
            return ((BigDecimal) members.get(name)).longValueExact();
        } catch (ArithmeticException e) {
            throw invalid(name + " does not fit 64 bits");
        }
    }

    private static int asInt(Map<String, Object> members, String name) {
        try {
            return ((BigDecimal) members.get(name)).intValueExact();
        } catch (ArithmeticException e) {
            throw invalid(name + " does not fit 32 bits");
        }
    }

    private static String clip(String name) {
        String printable = name.codePoints()
                .filter(c -> c >= 0x20 && c < 0x7f)
                .limit(40)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return printable;
    }

    private static InvalidRequest invalid(String detail) {
        return new InvalidRequest(ProblemType.JSON_INVALID, "status report: " + detail);
    }
}
