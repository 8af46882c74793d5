package org.devicetrust.pki.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsrValidatorTest {

    private final CsrValidator validator = new CsrValidator(TestPki.BC);

    @ParameterizedTest
    @ValueSource(strings = {"secp256r1", "secp384r1"})
    void acceptsEcKeysOnAllowedCurves(String curve) {
        KeyPair keys = TestPki.ec(curve);
        CsrValidator.ValidatedCsr csr = validator.validate(TestPki.csr(keys));
        assertArrayEquals(keys.getPublic().getEncoded(), csr.publicKey().getEncoded());
        assertEquals("EC " + ("secp256r1".equals(curve) ? "P-256" : "P-384"), csr.keyDescription());
        assertEquals("CN=requested", csr.requestedSubject().toString());
    }

    @Test
    void acceptsRsa2048() {
        assertEquals("RSA 2048", validator.validate(TestPki.csr(TestPki.rsa(2048))).keyDescription());
    }

    @Test
    void acceptsPem() {
        KeyPair keys = TestPki.ec("secp256r1");
        assertArrayEquals(keys.getPublic().getEncoded(),
                validator.validate(TestPki.pem(TestPki.csr(keys))).publicKey().getEncoded());
    }

    @Test
    void refusesCsrSignedWithAnotherKey() {
        KeyPair keys = TestPki.ec("secp256r1");
        KeyPair other = TestPki.ec("secp256r1");
        byte[] csr = TestPki.csr(keys, other.getPrivate(), "SHA256withECDSA");
        assertProblem(CsrRejectedException.Problem.SIGNATURE_INVALID, csr, "proof of possession");
    }

    @Test
    void refusesCsrWithFlippedSignatureBit() {
        byte[] csr = TestPki.csr(TestPki.ec("secp256r1"));
        csr[csr.length - 3] ^= 0x01;
        assertThrows(CsrRejectedException.class, () -> validator.validate(csr));
    }

    @Test
    void refusesSha1Signature() {
        KeyPair keys = TestPki.rsa(2048);
        assertProblem(CsrRejectedException.Problem.SIGNATURE_INVALID,
                TestPki.csr(keys, keys.getPrivate(), "SHA1withRSA"), "not accepted");
    }

    @Test
    void refusesEcP192() {
        assertProblem(CsrRejectedException.Problem.KEY_UNSUPPORTED, TestPki.csr(TestPki.ec("secp192r1")),
                "EC curve secp192r1 is not supported");
    }

    @Test
    void refusesSecp256k1() {
        assertProblem(CsrRejectedException.Problem.KEY_UNSUPPORTED, TestPki.csr(TestPki.ec("secp256k1")),
                "EC curve secp256k1 is not supported");
    }

    @Test
    void refusesRsa1024() {
        assertProblem(CsrRejectedException.Problem.KEY_UNSUPPORTED, TestPki.csr(TestPki.rsa(1024)),
                "RSA key of 1024 bits is not supported");
    }

    @Test
    void refusesEd25519() {
        assertProblem(CsrRejectedException.Problem.KEY_UNSUPPORTED,
                TestPki.csr(TestPki.keyPair("Ed25519", null)), "Ed25519 keys are not supported");
    }

    @Test
    void refusesOversizedInput() {
        byte[] big = new byte[CsrValidator.MAX_CSR_BYTES + 1];
        big[0] = 0x30;
        assertProblem(CsrRejectedException.Problem.TOO_LARGE, big, "at most");
    }

    @Test
    void refusesGarbageEmptyAndTrailingBytes() {
        assertProblem(CsrRejectedException.Problem.MALFORMED, new byte[0], "empty");
        assertProblem(CsrRejectedException.Problem.MALFORMED, "hello".getBytes(), "neither DER nor");
        assertProblem(CsrRejectedException.Problem.MALFORMED, new byte[] {0x30, (byte) 0x84, 0x7f, 0, 0, 0},
                "not a valid PKCS#10");
        byte[] csr = TestPki.csr(TestPki.ec("secp256r1"));
        byte[] trailing = Arrays.copyOf(csr, csr.length + 2);
        trailing[csr.length] = 0x05;
        assertProblem(CsrRejectedException.Problem.MALFORMED, trailing, "exactly one");
        assertProblem(CsrRejectedException.Problem.MALFORMED,
                "-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n".getBytes(),
                "base64");
    }

    @Test
    void refusesTruncatedCsr() {
        byte[] csr = TestPki.csr(TestPki.ec("secp256r1"));
        assertProblem(CsrRejectedException.Problem.MALFORMED, Arrays.copyOf(csr, csr.length / 2), "PKCS#10");
    }

    private void assertProblem(CsrRejectedException.Problem expected, byte[] input, String messagePart) {
        CsrRejectedException e = assertThrows(CsrRejectedException.class, () -> validator.validate(input));
        assertEquals(expected, e.problem(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }
}
