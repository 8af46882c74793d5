package org.devicetrust.pki.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Hostile bytes into the one CSR check behind the admin API, the console and EST. Each input is either refused
 * with a {@link CsrRejectedException} that names its problem, or accepted with a key that an independent parse
 * of the same bytes agrees on and that verifies the request's signature. Anything else (another exception, a
 * {@code StackOverflowError}, an {@code OutOfMemoryError}) is a finding. Seeds and past findings:
 * {@code src/test/resources/org/devicetrust/pki/control/CsrValidatorFuzzTestInputs/}.
 */
class CsrValidatorFuzzTest {

    private static final CsrValidator VALIDATOR = new CsrValidator(TestPki.BC);

    @FuzzTest(maxDuration = "10s")
    void refusedWithAProblemOrAcceptedWithAVerifiedKey(byte[] input) throws Exception {
        CsrValidator.ValidatedCsr accepted;
        try {
            accepted = VALIDATOR.validate(input);
        } catch (CsrRejectedException e) {
            assertNotNull(e.problem());
            assertNotNull(e.getMessage());
            return;
        }
        byte[] der = input[0] == 0x30
                ? input
                : Pem.decode(
                        new String(input, StandardCharsets.US_ASCII),
                        Pem.CERTIFICATE_REQUEST,
                        "NEW " + Pem.CERTIFICATE_REQUEST);
        PKCS10CertificationRequest independent = new PKCS10CertificationRequest(der);
        assertArrayEquals(
                independent.getSubjectPublicKeyInfo().getEncoded(),
                accepted.publicKey().getEncoded());
        assertTrue(independent.isSignatureValid(
                new JcaContentVerifierProviderBuilder().setProvider(TestPki.BC).build(accepted.publicKey())));
        assertTrue(input.length <= CsrValidator.MAX_CSR_BYTES);
    }
}
