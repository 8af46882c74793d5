package org.devicetrust.web.est;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.devicetrust.pki.control.CsrRejectedException;
import org.devicetrust.pki.control.CsrValidator;

/**
 * Hostile EST bodies: the base64 body of simpleenroll/simplereenroll on its way to the CSR check. A body is
 * either refused (not base64, or a CSR problem) or yields a validated request; anything else is a finding.
 */
class EstBodyFuzzTest {

    private static final CsrValidator VALIDATOR = new CsrValidator(new BouncyCastleProvider());

    @FuzzTest(maxDuration = "10s")
    void bodyIsRefusedOrBecomesAValidatedRequest(byte[] body) {
        byte[] der = EstResource.decodeBase64(body);
        if (der == null) {
            return;
        }
        assertTrue(der.length > 0);
        try {
            assertNotNull(VALIDATOR.validate(der).publicKey());
        } catch (CsrRejectedException e) {
            assertNotNull(e.problem());
        }
    }
}
