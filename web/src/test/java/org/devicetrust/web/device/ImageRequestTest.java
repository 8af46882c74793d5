package org.devicetrust.web.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.devicetrust.platform.boundary.ProblemType;
import org.devicetrust.web.problem.InvalidRequest;
import org.junit.jupiter.api.Test;

class ImageRequestTest {

    static final String DIGEST = "0123456789abcdef".repeat(4);

    @Test
    void oneBoundedRangeIsRead() {
        assertEquals(new ImageRequest.ByteRange(0, 4095), ImageRequest.range(List.of("bytes=0-4095"), 6144));
        assertEquals(new ImageRequest.ByteRange(7, 7), ImageRequest.range(List.of("bytes=7-7"), 6144));
        assertEquals(new ImageRequest.ByteRange(0, 6143), ImageRequest.range(List.of("bytes=0-6143"), 6144));
        assertEquals(new ImageRequest.ByteRange(5, 9), ImageRequest.range(List.of(" Bytes = 5-9 "), 6144));
        assertEquals(new ImageRequest.ByteRange(1, 2), ImageRequest.range(List.of("bytes=0001-00002"), 6144));
        // a huge first byte still parses: it is outside the image (416), not malformed
        assertEquals(
                new ImageRequest.ByteRange(9_000_000_000_000_000_000L, 9_000_000_000_000_000_000L),
                ImageRequest.range(List.of("bytes=9000000000000000000-9000000000000000000"), 6144));
    }

    @Test
    void everyOtherRangeIsRefusedAsRangeInvalid() {
        for (String hostile : List.of(
                "bytes=0-",
                "bytes=-10",
                "bytes=0-1,2-3",
                "bytes=0-1, 2-3",
                "bytes=99999999999999999999-1",
                "bytes=0-99999999999999999999",
                "items=0-1",
                "bytes 0-1",
                "bytes=",
                "bytes=-",
                "bytes=1-0",
                "bytes=0-6144",
                "bytes=+1-2",
                "bytes=0x10-0x20",
                "bytes=1-2-3",
                "bytes=1 -2",
                "bytes=٣-٤",
                "")) {
            InvalidRequest refused =
                    assertThrows(InvalidRequest.class, () -> ImageRequest.range(List.of(hostile), 6144), hostile);
            assertEquals(ProblemType.RANGE_INVALID, refused.problem(), hostile);
        }
        assertEquals(
                ProblemType.RANGE_INVALID,
                assertThrows(InvalidRequest.class, () -> ImageRequest.range(List.of(), 6144))
                        .problem());
        assertEquals(
                ProblemType.RANGE_INVALID,
                assertThrows(InvalidRequest.class, () -> ImageRequest.range(null, 6144))
                        .problem());
        assertEquals(
                ProblemType.RANGE_INVALID,
                assertThrows(InvalidRequest.class, () -> ImageRequest.range(List.of("bytes=0-1", "bytes=2-3"), 6144))
                        .problem());
    }

    @Test
    void ifMatchNamesOneStrongTagOfTheDigestOrNothing() {
        assertEquals(DIGEST, ImageRequest.expectedDigest(List.of("\"" + DIGEST + "\"")));
        assertEquals(DIGEST, ImageRequest.expectedDigest(List.of(" \"" + DIGEST + "\" ")));
        assertNull(ImageRequest.expectedDigest(null));
        assertNull(ImageRequest.expectedDigest(List.of()));
        assertNull(ImageRequest.expectedDigest(List.of("*")));
        assertNull(ImageRequest.expectedDigest(List.of(DIGEST)));
        assertNull(ImageRequest.expectedDigest(List.of("W/\"" + DIGEST + "\"")));
        assertNull(ImageRequest.expectedDigest(List.of("\"" + DIGEST.toUpperCase() + "\"")));
        assertNull(ImageRequest.expectedDigest(List.of("\"" + DIGEST.substring(1) + "\"")));
        assertNull(ImageRequest.expectedDigest(List.of("\"" + DIGEST + "\", \"" + DIGEST + "\"")));
        assertNull(ImageRequest.expectedDigest(List.of("\"" + DIGEST + "\"", "\"" + DIGEST + "\"")));
        assertNull(ImageRequest.expectedDigest(List.of("\"" + DIGEST.substring(2) + "zz\"")));
    }
}
