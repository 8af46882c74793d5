package org.devicetrust.firmware.boundary;

import jakarta.annotation.Resource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.firmware.control.FirmwareKeys;
import org.devicetrust.firmware.control.FirmwareManifest;
import org.devicetrust.firmware.control.FirmwareSigner;
import org.devicetrust.firmware.control.ImageType;
import org.devicetrust.firmware.control.SecurityVersions;
import org.devicetrust.firmware.control.SignatureBlock;
import org.devicetrust.firmware.control.SignedImage;
import org.devicetrust.firmware.control.TrustedKeySlots;
import org.devicetrust.firmware.control.UpdateOffer;
import org.devicetrust.firmware.entity.FirmwareRelease;
import org.devicetrust.pki.boundary.FirmwareSigningKey;
import org.devicetrust.pki.boundary.PkiException;
import org.devicetrust.platform.boundary.DeviceTrustException;
import org.devicetrust.platform.boundary.ProblemType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Firmware releases: created from a raw payload that the backend signs with the PKI's firmware signing key, or
 * from an image signed elsewhere that the backend verifies against the key slots the fleet's ROM holds; approved
 * (by a second administrator when the release raises the security version); revoked. Every attempt is audited,
 * refused ones too. Only app images are released: the ROM boots one bootloader slot (docs/ota.md).
 */
@Stateless
public class FirmwareReleases {

    static final String ADMIN = "admin";

    private static final Logger LOG = Logger.getLogger(FirmwareReleases.class.getName());

    /** What the backend needs besides the payload to sign a release. */
    public record ReleaseRequest(
            String imageType, long version, int securityVersion, long loadAddress, long entryAddress, String buildId) {}

    /** The fleet's anti-rollback counter: the highest security version ever approved (-1: none) and steps left. */
    public record SecurityVersionCapacity(int highestApproved, int remaining) {}

    @PersistenceContext
    EntityManager em;

    @EJB
    AuditLog auditLog;

    @EJB
    FirmwareSigningKey signingKey;

    @Resource
    SessionContext context;

    @Inject
    Clock clock;

    @Inject
    Provider provider;

    /**
     * The ROM's key slots: comma-separated SHA-256 digests of the signing keys' uncompressed points, in slot order.
     * Unset: slot 0 holds the backend's own firmware signing key, as the factory burns it (qemu/device.sh).
     */
    @Inject
    @ConfigProperty(name = "devicetrust.firmware.key-slots")
    Optional<String> keySlots;

    /** Comma-separated slot numbers revoked in the fleet's eFuses. */
    @Inject
    @ConfigProperty(name = "devicetrust.firmware.revoked-key-slots")
    Optional<String> revokedKeySlots;

    /**
     * Signs {@code payload} with the backend's key into a SIGNED release, after checking the signed image as a
     * device would.
     *
     * @throws FirmwareException firmware-image-type-unsupported, security-version-invalid, invalid-request (build
     *     id, addresses), firmware-image-too-large, firmware-key-untrusted/-revoked (the backend's key is not in
     *     the fleet's slots), release-exists, ca-unavailable (the firmware signing key's store or token is away:
     *     a {@link PkiException} from the key lookup, a FirmwareException from the signature)
     */
    @RolesAllowed(ADMIN)
    public FirmwareRelease createSigned(ReleaseRequest request, byte[] payload) {
        String caller = caller();
        try {
            if (request == null || payload == null || payload.length == 0) {
                throw new FirmwareException(ProblemType.INVALID_REQUEST, "a release needs a payload and its metadata");
            }
            if (SignedImage.signatureBlockOffset(payload.length) + SignatureBlock.SIZE > UpdateOffer.APP_SLOT_SIZE) {
                throw tooLarge(SignedImage.signatureBlockOffset(payload.length) + SignatureBlock.SIZE);
            }
            ImageType type = imageType(request.imageType());
            requireSecurityVersion(request.securityVersion());
            FirmwareSigningKey.Credential key = signingKey.credential();
            FirmwareSigner signer = new FirmwareSigner(key.privateKey(), key.publicKey(), provider, key.keyProvider());
            FirmwareManifest manifest;
            try {
                manifest = signer.manifestFor(
                        payload,
                        type,
                        request.version(),
                        request.securityVersion(),
                        request.loadAddress(),
                        request.entryAddress(),
                        FirmwareManifest.buildIdOf(request.buildId() == null ? "" : request.buildId()));
            } catch (IllegalArgumentException e) {
                throw new FirmwareException(
                        ProblemType.INVALID_REQUEST, "cannot build the manifest: " + e.getMessage());
            }
            byte[] image;
            try {
                image = signer.sign(payload, manifest);
            } catch (IllegalStateException e) { // the key went away between its lookup and the signature
                LOG.log(Level.SEVERE, "DeviceTrust firmware signing key unavailable: " + e.getMessage());
                throw new FirmwareException(
                        ProblemType.CA_UNAVAILABLE, "the firmware signing key cannot sign now; try again later");
            }
            FirmwareRelease release = checkedRelease(image, caller);
            release.signed();
            em.persist(release);
            em.flush();
            audit(
                    caller,
                    AuditAction.FIRMWARE_RELEASE_CREATED,
                    release,
                    AuditOutcome.SUCCESS,
                    "signed by the backend, " + describe(release));
            return release;
        } catch (FirmwareException | PkiException e) { // PkiException: ca-unavailable, the key store is away
            auditFailure(caller, AuditAction.FIRMWARE_RELEASE_CREATED, "firmware-release:new", e);
            throw e;
        }
    }

    /**
     * Takes an image signed elsewhere as a VERIFIED release once it passes the checks a device makes: format, app
     * type, a trusted and unrevoked key slot, signature, payload digest, size.
     *
     * @throws FirmwareException firmware-image-malformed, firmware-image-type-unsupported, firmware-key-untrusted,
     *     firmware-key-revoked, firmware-signature-invalid, security-version-invalid, firmware-image-too-large,
     *     release-exists
     */
    @RolesAllowed(ADMIN)
    public FirmwareRelease createVerified(byte[] signedImage) {
        String caller = caller();
        try {
            FirmwareRelease release = checkedRelease(signedImage, caller);
            release.verified();
            em.persist(release);
            em.flush();
            audit(
                    caller,
                    AuditAction.FIRMWARE_RELEASE_CREATED,
                    release,
                    AuditOutcome.SUCCESS,
                    "verified upload, " + describe(release));
            return release;
        } catch (FirmwareException e) {
            auditFailure(caller, AuditAction.FIRMWARE_RELEASE_CREATED, "firmware-release:new", e);
            throw e;
        }
    }

    /**
     * Approves a SIGNED or VERIFIED release for rollouts. One that raises the fleet's security version must be
     * approved by an administrator other than its uploader.
     *
     * @throws FirmwareException release-unknown, approval-by-uploader, release-state-invalid
     */
    @RolesAllowed(ADMIN)
    public FirmwareRelease approve(long id) {
        String caller = caller();
        try {
            FirmwareRelease release = locked(id);
            int highest = highestApproved();
            boolean bump = SecurityVersions.isBump(release.securityVersion(), highest);
            if (!SecurityVersions.mayApprove(caller, release.uploadedBy(), bump)) {
                throw new FirmwareException(
                        ProblemType.APPROVAL_BY_UPLOADER,
                        "release " + id + " raises the fleet's security version from " + highest + " to "
                                + release.securityVersion() + " for good; an administrator other than "
                                + release.uploadedBy() + " must approve it");
            }
            try {
                release.approve(caller, clock.instant());
            } catch (IllegalStateException e) {
                throw new FirmwareException(ProblemType.RELEASE_STATE_INVALID, e.getMessage());
            }
            audit(
                    caller,
                    AuditAction.FIRMWARE_RELEASE_APPROVED,
                    release,
                    AuditOutcome.SUCCESS,
                    describe(release) + (bump ? ", raises the security version from " + highest : "")
                            + ", counter steps left "
                            + SecurityVersions.remainingAfter(release.securityVersion(), highest));
            return release;
        } catch (FirmwareException e) {
            auditFailure(caller, AuditAction.FIRMWARE_RELEASE_APPROVED, "firmware-release:" + id, e);
            throw e;
        }
    }

    /**
     * Revokes a release for good: it is never offered again.
     *
     * @throws FirmwareException release-unknown, release-state-invalid (revoked already)
     */
    @RolesAllowed(ADMIN)
    public FirmwareRelease revoke(long id) {
        String caller = caller();
        try {
            FirmwareRelease release = locked(id);
            try {
                release.revoke(caller, clock.instant());
            } catch (IllegalStateException e) {
                throw new FirmwareException(ProblemType.RELEASE_STATE_INVALID, e.getMessage());
            }
            audit(caller, AuditAction.FIRMWARE_RELEASE_REVOKED, release, AuditOutcome.SUCCESS, describe(release));
            return release;
        } catch (FirmwareException e) {
            auditFailure(caller, AuditAction.FIRMWARE_RELEASE_REVOKED, "firmware-release:" + id, e);
            throw e;
        }
    }

    /** @throws FirmwareException release-unknown */
    @RolesAllowed({"admin", "operator", "auditor"})
    public FirmwareRelease find(long id) {
        FirmwareRelease release = em.find(FirmwareRelease.class, id);
        if (release == null) {
            throw unknown(id);
        }
        return release;
    }

    @RolesAllowed({"admin", "operator", "auditor"})
    public List<FirmwareRelease> list(int first, int size) {
        return em.createNamedQuery(FirmwareRelease.FIND_ALL, FirmwareRelease.class)
                .setFirstResult(Math.max(0, first))
                .setMaxResults(Math.max(1, Math.min(size, AuditLog.MAX_PAGE_SIZE)))
                .getResultList();
    }

    @RolesAllowed({"admin", "operator", "auditor"})
    public SecurityVersionCapacity capacity() {
        int highest = highestApproved();
        return new SecurityVersionCapacity(highest, SecurityVersions.remainingAfter(highest, highest));
    }

    /** Whether approving {@code release} now would raise the fleet's security version (four eyes). */
    @RolesAllowed({"admin", "operator", "auditor"})
    public boolean raisesSecurityVersion(FirmwareRelease release) {
        return SecurityVersions.isBump(release.securityVersion(), highestApproved());
    }

    /** The checks a device makes on a signed image, in its order; the key slot before the signature. */
    private FirmwareRelease checkedRelease(byte[] image, String uploader) {
        if (image == null || image.length < FirmwareManifest.SIZE + SignatureBlock.SIZE) {
            throw new FirmwareException(
                    ProblemType.FIRMWARE_IMAGE_MALFORMED, "a signed image is at least manifest and signature block");
        }
        if (image.length > UpdateOffer.APP_SLOT_SIZE) {
            throw tooLarge(image.length);
        }
        ByteBuffer head = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        long rawSecurityVersion = Integer.toUnsignedLong(head.getInt(FirmwareManifest.OFFSET_SECURITY_VERSION));
        boolean looksLikeManifest = head.getInt(FirmwareManifest.OFFSET_MAGIC) == FirmwareManifest.MAGIC;
        SignedImage parsed;
        try {
            parsed = SignedImage.parse(image);
        } catch (IllegalArgumentException e) {
            // a manifest whose only fault is its security version says so; bytes that are no manifest at all
            // (a raw payload uploaded as signed) are malformed, whatever they hold where the version would be
            if (looksLikeManifest && !SecurityVersions.inRange(rawSecurityVersion)) {
                requireSecurityVersion(rawSecurityVersion);
            }
            throw new FirmwareException(ProblemType.FIRMWARE_IMAGE_MALFORMED, e.getMessage());
        }
        FirmwareManifest manifest = parsed.manifest();
        if (UpdateOffer.imageLength(manifest) != image.length) {
            throw new FirmwareException(
                    ProblemType.FIRMWARE_IMAGE_MALFORMED,
                    "the image is " + image.length + " bytes; its manifest makes it "
                            + UpdateOffer.imageLength(manifest));
        }
        if (manifest.imageType() != ImageType.APP) {
            throw typeUnsupported(manifest.imageType().name());
        }
        byte[] keyDigest = FirmwareKeys.keyDigest(parsed.signatureBlock().publicKey());
        TrustedKeySlots.Verdict verdict = trustedSlots().judge(keyDigest);
        if (verdict instanceof TrustedKeySlots.Revoked r) {
            throw new FirmwareException(
                    ProblemType.FIRMWARE_KEY_REVOKED,
                    "the image is signed with the key of slot " + r.slot() + ", which the fleet has revoked");
        }
        if (!(verdict instanceof TrustedKeySlots.Trusted trusted)) {
            throw new FirmwareException(
                    ProblemType.FIRMWARE_KEY_UNTRUSTED,
                    "the image is signed with key "
                            + FirmwareKeys.hex(keyDigest).substring(0, 16)
                            + "..., which is in none of the fleet's key slots");
        }
        int slot = trusted.slot();
        try {
            parsed.verifySignature(provider);
        } catch (IllegalArgumentException e) {
            throw new FirmwareException(ProblemType.FIRMWARE_SIGNATURE_INVALID, e.getMessage());
        }
        byte[] manifestDigest = sha256(Arrays.copyOf(image, FirmwareManifest.SIZE));
        if (!em.createNamedQuery(FirmwareRelease.FIND_BY_MANIFEST_DIGEST, FirmwareRelease.class)
                .setParameter("digest", FirmwareKeys.hex(manifestDigest))
                .getResultList()
                .isEmpty()) {
            throw new FirmwareException(
                    ProblemType.RELEASE_EXISTS, "a release with this manifest exists already (one image per release)");
        }
        return new FirmwareRelease(
                image,
                manifest.imageDigest(),
                manifestDigest,
                slot,
                keyDigest,
                manifest.imageType().name(),
                manifest.version(),
                manifest.securityVersion(),
                manifest.buildIdText(),
                uploader,
                clock.instant());
    }

    TrustedKeySlots trustedSlots() {
        String configured =
                keySlots.map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
        try {
            if (configured == null) {
                configured = FirmwareKeys.hex(
                        FirmwareKeys.keyDigest(signingKey.credential().publicKey()));
            }
            return TrustedKeySlots.parse(configured, revokedKeySlots.orElse(""));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("devicetrust.firmware.key-slots is invalid: " + e.getMessage(), e);
        }
    }

    private int highestApproved() {
        Integer highest = em.createNamedQuery(FirmwareRelease.FIND_HIGHEST_APPROVED_SECURITY_VERSION, Integer.class)
                .getSingleResult();
        return highest == null ? -1 : highest;
    }

    private FirmwareRelease locked(long id) {
        FirmwareRelease release = em.find(FirmwareRelease.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (release == null) {
            throw unknown(id);
        }
        return release;
    }

    private ImageType imageType(String name) {
        if ("app".equalsIgnoreCase(name)) {
            return ImageType.APP;
        }
        throw typeUnsupported(name);
    }

    private void requireSecurityVersion(long securityVersion) {
        if (!SecurityVersions.inRange(securityVersion)) {
            int highest = highestApproved();
            throw new FirmwareException(
                    ProblemType.SECURITY_VERSION_INVALID,
                    "security version " + securityVersion + " is outside 0.." + SecurityVersions.MAX
                            + " (the anti-rollback counter has " + SecurityVersions.MAX + " steps; "
                            + SecurityVersions.remainingAfter(highest, highest) + " are left)");
        }
    }

    private static FirmwareException typeUnsupported(String type) {
        return new FirmwareException(
                ProblemType.FIRMWARE_IMAGE_TYPE_UNSUPPORTED, "only app images are released over the air; got " + type);
    }

    private static FirmwareException tooLarge(long length) {
        return new FirmwareException(
                ProblemType.FIRMWARE_IMAGE_TOO_LARGE,
                "the signed image would be " + length + " bytes; an app slot holds " + UpdateOffer.APP_SLOT_SIZE);
    }

    private static FirmwareException unknown(long id) {
        return new FirmwareException(ProblemType.RELEASE_UNKNOWN, "no firmware release " + id);
    }

    private static String describe(FirmwareRelease r) {
        return r.imageType().toLowerCase() + " v" + r.version() + " security version " + r.securityVersion()
                + ", build " + r.buildId() + ", key slot " + r.keySlot() + ", manifest " + r.manifestDigest();
    }

    private void audit(
            String caller, AuditAction action, FirmwareRelease release, AuditOutcome outcome, String detail) {
        auditLog.record(caller, action, "firmware-release:" + release.id(), outcome, detail);
    }

    private void auditFailure(String caller, AuditAction action, String subject, DeviceTrustException e) {
        auditLog.record(caller, action, subject, AuditOutcome.FAILURE, e.type() + ": " + e.getMessage());
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private String caller() {
        return AuditLog.nameOf(context.getCallerPrincipal());
    }
}
