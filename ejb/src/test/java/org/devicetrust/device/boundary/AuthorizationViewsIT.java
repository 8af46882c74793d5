package org.devicetrust.device.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.it.ItDeployment;
import org.devicetrust.it.ItFixtures;
import org.devicetrust.pki.boundary.CertificateRevocation;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.pki.entity.RevocationReason;
import org.devicetrust.pki.entity.RevocationStatus;
import org.devicetrust.platform.entity.AuthorizationChange;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The authorization view inside Payara Micro, following PostgreSQL. */
@ExtendWith(ArquillianExtension.class)
class AuthorizationViewsIT {

    @Deployment
    static WebArchive deployment() {
        return ItDeployment.create()
                .addPackages(true, "org.devicetrust.device.boundary", "org.devicetrust.device.control");
    }

    @Inject
    AuthorizationViews views;

    @Inject
    DeviceRegistry registry;

    @Inject
    DeviceCertificates certificates;

    @Inject
    CertificateRevocation revocation;

    @Inject
    ItFixtures fixtures;

    @BeforeEach
    void loaded() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!views.view().fresh() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(views.view().fresh(), "the view loads at start-up: " + views.lastFailure());
    }

    @Test
    void changesMadeOnThisNodeApplyBeforeTheCallReturns() throws Exception {
        String device = "view-" + UUID.randomUUID().toString().substring(0, 8);
        registry.register(device, "view test");
        assertEquals(Optional.of(DeviceStatus.ACTIVE), views.view().device(device));

        IssuedCertificate issued = certificates.issue(device, csr(device));
        BigInteger serial = issued.certificate().getSerialNumber();
        assertEquals(RevocationStatus.GOOD, views.view().certificate(serial));

        revocation.revoke(issued.serialHex(), RevocationReason.KEY_COMPROMISE);
        RevocationStatus revoked = views.view().certificate(serial);
        assertEquals(RevocationStatus.State.REVOKED, revoked.state(), "refused on the very next lookup");
        assertEquals(RevocationReason.KEY_COMPROMISE, revoked.reason());

        registry.changeStatus(device, DeviceStatus.SUSPENDED, "view test");
        assertEquals(Optional.of(DeviceStatus.SUSPENDED), views.view().device(device));
    }

    @Test
    void aLocalChangeAfterOneReadBackFromTheFeedStillAppliesAtOnce() throws Exception {
        String device = "view-" + UUID.randomUUID().toString().substring(0, 8);
        registry.register(device, "view test");
        Thread.sleep(600); // the poller has now read the registration back from the feed, with its number
        registry.changeStatus(device, DeviceStatus.SUSPENDED, "view test");
        assertEquals(
                Optional.of(DeviceStatus.SUSPENDED),
                views.view().device(device),
                "the change carries its feed number, so it is newer than the registration read back");
        registry.changeStatus(device, DeviceStatus.ACTIVE, "view test");
        assertEquals(Optional.of(DeviceStatus.ACTIVE), views.view().device(device));
    }

    @Test
    void aChangeCommittedByAnotherNodeArrivesWithinTheStalenessBound() throws Exception {
        String device = "view-" + UUID.randomUUID().toString().substring(0, 8);
        registry.register(device, "view test");
        long started = System.nanoTime();
        fixtures.recordChangeOnAnotherNode(AuthorizationChange.deviceStatus(device, "SUSPENDED", Instant.now()));
        long waited = 0;
        while (views.view().device(device).equals(Optional.of(DeviceStatus.ACTIVE)) && waited < 5000) {
            Thread.sleep(5);
            waited = (System.nanoTime() - started) / 1_000_000;
        }
        System.out.println("a change committed on another node reached this node's view after " + waited + " ms");
        assertEquals(Optional.of(DeviceStatus.SUSPENDED), views.view().device(device));
        assertTrue(waited < 1000, "within the 1 s bound (poll every 200 ms): " + waited + " ms");
    }

    private static byte[] csr(String device) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + device), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                .getEncoded();
    }

    @Test
    void aSerialTheCaNeverIssuedIsUnknown() {
        assertEquals(
                RevocationStatus.State.UNKNOWN,
                views.view()
                        .certificate(new BigInteger(159, new java.security.SecureRandom()))
                        .state());
        assertTrue(views.view().age().orElseThrow().toMillis() <= 1000, "confirmed within the bound");
    }
}
