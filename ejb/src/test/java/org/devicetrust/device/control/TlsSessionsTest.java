package org.devicetrust.device.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.devicetrust.device.entity.AccessReason;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TlsSessionsTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static X509Certificate leaf;
    private static X509Certificate other;

    @BeforeAll
    static void certificates() throws Exception {
        leaf = certificate("pump-1", 1);
        other = certificate("pump-1", 2);
    }

    private static X509Certificate certificate(String cn, long serial) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        return new JcaX509CertificateConverter()
                .getCertificate(new JcaX509v3CertificateBuilder(
                                new X500Name("CN=ca"),
                                BigInteger.valueOf(serial),
                                Date.from(NOW.minus(Duration.ofDays(1))),
                                Date.from(NOW.plus(Duration.ofDays(30))),
                                new X500Name("CN=" + cn),
                                keys.getPublic())
                        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    private static CertificateCheck.Result passed(X509Certificate certificate) {
        return new CertificateCheck.Result(
                AccessReason.ALLOWED,
                "pump-1",
                certificate.getSerialNumber(),
                certificate.getNotAfter().toInstant(),
                "certificate good");
    }

    @Test
    void aSessionIsFoundOnlyWithTheCertificateItWasCheckedWith() {
        TlsSessions sessions = new TlsSessions(10);
        TlsSessions.Session remembered = sessions.remember("ab01", leaf, passed(leaf), 1);
        assertSame(remembered, sessions.find("ab01", leaf, 2));
        assertNull(sessions.find("ab01", other, 2), "same session id, a certificate never checked");
        assertNull(sessions.find("ab02", other, 2));
        assertNull(sessions.find("ab01", null, 2));
    }

    @Test
    void aCertificateCheckedOnAnotherSessionIsNotCheckedAgainButItsNewSessionIsAuditedAgain() {
        TlsSessions sessions = new TlsSessions(10);
        TlsSessions.Session first = sessions.remember("s1", leaf, passed(leaf), 1);
        assertTrue(first.firstAllowed());
        TlsSessions.Session resumed = sessions.find("s2", leaf, 2); // a TLS 1.3 resumption has a new id
        assertNotNull(resumed);
        assertNotSame(first, resumed);
        assertSame(first.result(), resumed.result(), "the check's result is reused");
        assertTrue(resumed.firstAllowed(), "the new session's first allowed request is chained");
        assertSame(resumed, sessions.find("s2", leaf, 3));
        assertNotNull(sessions.find(null, leaf, 4), "known without a session id too, but never stored");
        assertEquals(2, sessions.size());
    }

    @Test
    void withoutASessionIdNothingIsRemembered() {
        TlsSessions sessions = new TlsSessions(10);
        TlsSessions.Session alone = sessions.remember(null, leaf, passed(leaf), 1);
        assertNotNull(alone);
        assertTrue(alone.firstAllowed());
        assertEquals(0, sessions.size());
    }

    @Test
    void onlyTheFirstAllowedRequestOfASessionIsChainedUnlessItsRecordFailed() {
        TlsSessions.Session session = new TlsSessions(10).remember("s", leaf, passed(leaf), 1);
        assertTrue(session.firstAllowed());
        assertFalse(session.firstAllowed());
        session.auditFailed();
        assertTrue(session.firstAllowed(), "the record was not written: the next allowed request is chained");
    }

    @Test
    void validityIsCheckedAgainstEveryRequestTime() {
        TlsSessions.Session session = new TlsSessions(10).remember("s", leaf, passed(leaf), 1);
        assertTrue(session.validAt(NOW));
        assertFalse(session.validAt(NOW.plus(Duration.ofDays(31))));
        assertFalse(session.validAt(NOW.minus(Duration.ofDays(2))));
    }

    @Test
    void staysBoundedByForgettingTheOldestHalf() {
        TlsSessions sessions = new TlsSessions(100);
        TlsSessions.Session oldest = sessions.remember("s0", leaf, passed(leaf), 0);
        TlsSessions.Session newest = null;
        for (int i = 1; i < 1000; i++) {
            newest = sessions.remember("s" + i, leaf, passed(leaf), i);
        }
        assertTrue(sessions.size() <= 100, "bounded: " + sessions.size());
        assertSame(newest, sessions.find("s999", leaf, 2000), "the newest stays");
        assertNotSame(oldest, sessions.find("s0", leaf, 2000), "the oldest went (and comes back as a new session)");
    }

    @Test
    void refusesToRememberAFailedCheck() {
        TlsSessions sessions = new TlsSessions(10);
        assertThrows(
                IllegalArgumentException.class,
                () -> sessions.remember(
                        "s", leaf, new CertificateCheck.Result(AccessReason.EXPIRED, null, null, null, "expired"), 1));
    }
}
