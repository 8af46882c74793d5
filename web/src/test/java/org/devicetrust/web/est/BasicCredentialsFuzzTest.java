package org.devicetrust.web.est;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Hostile HTTP Basic headers of EST's bootstrap enrollment: a header yields no credentials, or a non-empty
 * user without a colon and a password that encode back to what the header carried.
 */
class BasicCredentialsFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void basicHeaderYieldsNothingOrWhatItEncodes(FuzzedDataProvider data) {
        String header = data.consumeBoolean()
                ? "Basic " + Base64.getEncoder().encodeToString(data.consumeRemainingAsBytes())
                : data.consumeRemainingAsString();
        String[] credentials = EstResource.basicCredentials(header);
        if (credentials == null) {
            return;
        }
        assertFalse(credentials[0].isEmpty(), "a user is never empty");
        assertFalse(credentials[0].contains(":"), "the user ends at the first colon");
        String decoded =
                new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        assertEquals(decoded, credentials[0] + ":" + credentials[1]);
    }
}
