package org.devicetrust.audit.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuditRecordTest {

    @Test
    void nulAndLoneSurrogatesBecomeReplacementCharacters() {
        assertEquals("ab\uFFFDc", AuditRecord.clip("ab\0c", 100));
        assertEquals("x\uFFFDy", AuditRecord.clip("x\uD800y", 100));
        assertEquals("x\uFFFDy", AuditRecord.clip("x\uDC00y", 100));
        assertEquals("\uD83D\uDE00 ok", AuditRecord.clip("\uD83D\uDE00 ok", 100), "a real pair stays");
        String stored = AuditRecord.clip("a\0\uD800", 100);
        assertEquals(
                stored,
                new String(stored.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                "survives the trip through UTF-8 unchanged, so the stored row matches its hash");
    }

    @Test
    void cuttingNeverSplitsASurrogatePair() {
        assertEquals("ab", AuditRecord.clip("ab\uD83D\uDE00", 3));
        assertEquals("ab\uD83D\uDE00", AuditRecord.clip("ab\uD83D\uDE00cd", 4));
        assertEquals("", AuditRecord.clip(null, 3));
        assertEquals("plain", AuditRecord.clip("plain", 5));
    }
}
