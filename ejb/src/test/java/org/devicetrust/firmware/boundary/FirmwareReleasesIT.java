package org.devicetrust.firmware.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import java.security.KeyPair;
import java.security.Provider;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.devicetrust.firmware.control.FirmwareKeys;
import org.devicetrust.firmware.control.FirmwareManifest;
import org.devicetrust.firmware.control.FirmwareSigner;
import org.devicetrust.firmware.control.ImageType;
import org.devicetrust.firmware.control.SignedImage;
import org.devicetrust.firmware.control.TestKeys;
import org.devicetrust.firmware.control.UpdateOffer;
import org.devicetrust.firmware.entity.FirmwareRelease;
import org.devicetrust.firmware.entity.ReleaseState;
import org.devicetrust.it.ItAuthentication;
import org.devicetrust.it.ItDeployment;
import org.devicetrust.it.ItFixtures;
import org.devicetrust.pki.boundary.FirmwareSigningKey;
import org.devicetrust.platform.boundary.ProblemType;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.Filters;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Firmware releases inside Payara Micro, against PostgreSQL and the PKI's own firmware signing key. */
@ExtendWith(ArquillianExtension.class)
class FirmwareReleasesIT {

    static final String NEW = "firmware-release:new";

    @Deployment
    static WebArchive deployment() {
        return ItDeployment.create().addPackages(true, Filters.exclude(".*Test\\.class"), "org.devicetrust.firmware");
    }

    @Inject
    FirmwareReleases releases;

    @Inject
    FirmwareSigningKey signingKey;

    @Inject
    FirmwareItFixtures firmwareFixtures;

    @Inject
    ItFixtures fixtures;

    private final Provider bc = new BouncyCastleProvider();

    static byte[] payload(int size, String salt) {
        byte[] p = new byte[size];
        byte[] s = salt.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            p[i] = (byte) (i * 13 + s[i % s.length]);
        }
        return p;
    }

    static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private FirmwareReleases.ReleaseRequest request(int securityVersion, String build) {
        return new FirmwareReleases.ReleaseRequest("app", 7, securityVersion, 0x8020_0000L, 0x8020_0010L, build);
    }

    private byte[] signedElsewhere(FirmwareSigner signer, ImageType type, int securityVersion, String build) {
        byte[] payload = payload(777, build);
        return signer.sign(
                payload,
                signer.manifestFor(
                        payload,
                        type,
                        9,
                        securityVersion,
                        0x8020_0000L,
                        0x8020_0000L,
                        FirmwareManifest.buildIdOf(build)));
    }

    private FirmwareSigner backendKeyUsedElsewhere() {
        FirmwareSigningKey.Credential key = signingKey.credential();
        return new FirmwareSigner(key.privateKey(), key.publicKey(), bc);
    }

    private int floor() {
        return Math.max(0, releases.capacity().highestApproved());
    }

    @Test
    void backendSignsAPayloadIntoAReleaseADeviceWouldAccept() throws Exception {
        String build = "it-signed-" + unique();
        FirmwareRelease release = releases.createSigned(request(floor(), build), payload(1000, build));
        assertEquals(ReleaseState.SIGNED, release.state());
        assertEquals(0, release.keySlot(), "the backend's key is slot 0 unless configured otherwise");
        assertEquals(ItAuthentication.CALLER, release.uploadedBy());
        FirmwareRelease stored = releases.find(release.id());
        SignedImage image = SignedImage.parse(stored.image());
        image.verifySignature(bc);
        assertEquals(build, image.manifest().buildIdText());
        assertEquals(
                FirmwareKeys.hex(FirmwareKeys.keyDigest(signingKey.credential().publicKey())), stored.keyDigest());
        assertEquals(FirmwareKeys.hex(image.manifest().imageDigest()), stored.payloadDigest());
        UpdateOffer offer = UpdateOffer.of(new byte[16], 4096, stored.image());
        assertEquals(stored.imageLength(), offer.imageLength());
        List<String[]> audit = fixtures.auditRecordsAbout("firmware-release:" + release.id());
        assertEquals(1, audit.size());
        assertEquals("SUCCESS", audit.get(0)[1]);
        assertEquals("FIRMWARE_RELEASE_CREATED", audit.get(0)[2]);
    }

    @Test
    void imageSignedElsewhereWithATrustedKeyIsVerified() {
        String build = "it-external-" + unique();
        FirmwareRelease release =
                releases.createVerified(signedElsewhere(backendKeyUsedElsewhere(), ImageType.APP, floor(), build));
        assertEquals(ReleaseState.VERIFIED, release.state());
        assertEquals(build, release.buildId());
        assertEquals(9, release.version());
    }

    @Test
    void everyWrongUploadIsRefusedWithItsProblemAndAudited() throws Exception {
        int before = fixtures.auditRecordsAbout(NEW).size();
        FirmwareSigner trusted = backendKeyUsedElsewhere();
        KeyPair other = TestKeys.fromLabel("DeviceTrust test key A", bc);
        FirmwareSigner untrusted = new FirmwareSigner(other.getPrivate(), other.getPublic(), bc);

        byte[] good = signedElsewhere(trusted, ImageType.APP, floor(), "it-bad-" + unique());
        refused(
                ProblemType.FIRMWARE_KEY_UNTRUSTED,
                () -> releases.createVerified(signedElsewhere(untrusted, ImageType.APP, 1, "it-untrusted")));
        byte[] badSignature = good.clone();
        badSignature[badSignature.length - 10] ^= 1;
        refused(ProblemType.FIRMWARE_SIGNATURE_INVALID, () -> releases.createVerified(badSignature));
        byte[] badPayload = good.clone();
        badPayload[FirmwareManifest.SIZE + 5] ^= 1;
        refused(ProblemType.FIRMWARE_SIGNATURE_INVALID, () -> releases.createVerified(badPayload));
        refused(
                ProblemType.FIRMWARE_IMAGE_TYPE_UNSUPPORTED,
                () -> releases.createVerified(signedElsewhere(trusted, ImageType.BOOTLOADER, 0, "it-bl-" + unique())));
        refused(ProblemType.FIRMWARE_IMAGE_MALFORMED, () -> releases.createVerified(new byte[400]));
        refused(ProblemType.FIRMWARE_IMAGE_MALFORMED, () -> releases.createVerified(Arrays.copyOf(good, 200)));
        refused(
                ProblemType.FIRMWARE_IMAGE_MALFORMED,
                () -> releases.createVerified(Arrays.copyOf(good, good.length + 16)));
        byte[] sv65 = good.clone();
        sv65[FirmwareManifest.OFFSET_SECURITY_VERSION] = 65;
        refused(ProblemType.SECURITY_VERSION_INVALID, () -> releases.createVerified(sv65));
        byte[] rawPayload = new byte[4000]; // a payload uploaded as if signed: no manifest, a large "version"
        Arrays.fill(rawPayload, (byte) 0x5a);
        refused(ProblemType.FIRMWARE_IMAGE_MALFORMED, () -> releases.createVerified(rawPayload));
        FirmwareException e = refused(
                ProblemType.SECURITY_VERSION_INVALID,
                () -> releases.createSigned(request(65, "it-sv65"), payload(100, "x")));
        assertTrue(e.getMessage().contains("are left"), e.getMessage());
        refused(
                ProblemType.FIRMWARE_IMAGE_TYPE_UNSUPPORTED,
                () -> releases.createSigned(
                        new FirmwareReleases.ReleaseRequest("bootloader", 1, 0, 0x8010_0000L, 0x8010_0000L, "b"),
                        payload(100, "x")));
        refused(
                ProblemType.FIRMWARE_IMAGE_TOO_LARGE,
                () -> releases.createSigned(request(0, "it-huge"), new byte[0x400000]));
        releases.createVerified(good);
        refused(ProblemType.RELEASE_EXISTS, () -> releases.createVerified(good));

        List<String[]> audit = fixtures.auditRecordsAbout(NEW);
        assertEquals(before + 13, audit.size(), "each refusal is audited");
        String[] last = audit.get(audit.size() - 1);
        assertEquals("FAILURE", last[1]);
        assertTrue(last[3].startsWith("release-exists:"), last[3]);
    }

    @Test
    void aSecurityVersionBumpNeedsASecondAdministrator() throws Exception {
        int highest = releases.capacity().highestApproved();
        int bumpTo = highest + 1;
        FirmwareRelease bump = releases.createSigned(request(bumpTo, "it-bump-" + unique()), payload(500, unique()));
        assertTrue(releases.raisesSecurityVersion(bump));
        FirmwareException e = refused(ProblemType.APPROVAL_BY_UPLOADER, () -> releases.approve(bump.id()));
        assertTrue(e.getMessage().contains("other than"), e.getMessage());
        assertEquals(ReleaseState.SIGNED, releases.find(bump.id()).state(), "a refused approval changes nothing");
        List<String[]> refusal = fixtures.auditRecordsAbout("firmware-release:" + bump.id());
        assertEquals("FAILURE", refusal.get(refusal.size() - 1)[1]);

        firmwareFixtures.setUploader(bump.id(), "other-admin");
        FirmwareRelease approved = releases.approve(bump.id());
        assertEquals(ReleaseState.APPROVED, approved.state());
        assertEquals(ItAuthentication.CALLER, approved.approvedBy());
        assertNotNull(approved.approvedAt());
        assertEquals(new FirmwareReleases.SecurityVersionCapacity(bumpTo, 64 - bumpTo), releases.capacity());

        FirmwareRelease same = releases.createSigned(request(bumpTo, "it-same-" + unique()), payload(501, unique()));
        assertFalse(releases.raisesSecurityVersion(same));
        assertEquals(ReleaseState.APPROVED, releases.approve(same.id()).state(), "no bump: the uploader may approve");

        assertEquals(ReleaseState.REVOKED, releases.revoke(same.id()).state());
        refused(ProblemType.RELEASE_STATE_INVALID, () -> releases.revoke(same.id()));
        refused(ProblemType.RELEASE_STATE_INVALID, () -> releases.approve(same.id()));
        refused(ProblemType.RELEASE_UNKNOWN, () -> releases.approve(Long.MAX_VALUE));
        assertEquals(bumpTo, releases.capacity().highestApproved(), "a revoked release still raised the floor");
        List<String[]> audit = fixtures.auditRecordsAbout("firmware-release:" + same.id());
        assertEquals(
                List.of(
                        "FIRMWARE_RELEASE_CREATED",
                        "FIRMWARE_RELEASE_APPROVED",
                        "FIRMWARE_RELEASE_REVOKED",
                        "FIRMWARE_RELEASE_REVOKED",
                        "FIRMWARE_RELEASE_APPROVED"),
                audit.stream().map(r -> r[2]).toList());
        assertEquals(
                List.of("SUCCESS", "SUCCESS", "SUCCESS", "FAILURE", "FAILURE"),
                audit.stream().map(r -> r[1]).toList());
    }

    private static FirmwareException refused(ProblemType problem, org.junit.jupiter.api.function.Executable call) {
        FirmwareException e = assertThrows(FirmwareException.class, call);
        assertEquals(problem, e.problem(), e.getMessage());
        return e;
    }
}
