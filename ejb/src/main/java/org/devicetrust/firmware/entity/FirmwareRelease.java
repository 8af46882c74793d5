package org.devicetrust.firmware.entity;

import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One firmware release: a signed image held whole (what a device's slot will hold), the digests and manifest fields
 * a rollout needs without reading the bytes, who uploaded and approved it, and its {@link ReleaseState}.
 */
@Entity
@Table(name = "firmware_release")
@NamedQuery(name = FirmwareRelease.FIND_ALL, query = "SELECT r FROM FirmwareRelease r ORDER BY r.id DESC")
@NamedQuery(
        name = FirmwareRelease.FIND_BY_MANIFEST_DIGEST,
        query = "SELECT r FROM FirmwareRelease r WHERE r.manifestDigest = :digest")
@NamedQuery(
        name = FirmwareRelease.FIND_HIGHEST_APPROVED_SECURITY_VERSION,
        query = "SELECT MAX(r.securityVersion) FROM FirmwareRelease r WHERE r.approvedAt IS NOT NULL")
@NamedQuery(name = FirmwareRelease.FIND_IMAGE, query = "SELECT r.image FROM FirmwareRelease r WHERE r.id = :release")
public class FirmwareRelease {

    public static final String FIND_ALL = "FirmwareRelease.findAll";
    /** The image bytes alone (the device download's cache fills from it). */
    public static final String FIND_IMAGE = "FirmwareRelease.findImage";

    public static final String FIND_BY_MANIFEST_DIGEST = "FirmwareRelease.findByManifestDigest";
    /** Over every release ever approved, revoked ones included: devices may have raised their counter already. */
    public static final String FIND_HIGHEST_APPROVED_SECURITY_VERSION =
            "FirmwareRelease.findHighestApprovedSecurityVersion";

    public static final int MAX_ACTOR_LENGTH = 128;

    @Id
    @SequenceGenerator(name = "firmware_release_seq", sequenceName = "firmware_release_seq", allocationSize = 1)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "firmware_release_seq")
    @Column(name = "id")
    private Long id;

    @Basic(fetch = FetchType.LAZY)
    @Column(name = "image", nullable = false)
    private byte[] image;

    @Column(name = "image_length", nullable = false)
    private long imageLength;

    @Column(name = "payload_digest", nullable = false, length = 64)
    private String payloadDigest;

    @Column(name = "manifest_digest", nullable = false, length = 64)
    private String manifestDigest;

    @Column(name = "key_slot", nullable = false)
    private int keySlot;

    @Column(name = "key_digest", nullable = false, length = 64)
    private String keyDigest;

    @Column(name = "image_type", nullable = false, length = 16)
    private String imageType;

    @Column(name = "version", nullable = false)
    private long version;

    @Column(name = "security_version", nullable = false)
    private int securityVersion;

    @Column(name = "build_id", nullable = false, length = 32)
    private String buildId;

    @Enumerated(EnumType.STRING)
    @Column(name = "state", nullable = false, length = 16)
    private ReleaseState state;

    @Column(name = "uploaded_by", nullable = false, length = MAX_ACTOR_LENGTH)
    private String uploadedBy;

    @Column(name = "uploaded_at", nullable = false)
    private Instant uploadedAt;

    @Column(name = "approved_by", length = MAX_ACTOR_LENGTH)
    private String approvedBy;

    @Column(name = "approved_at")
    private Instant approvedAt;

    @Column(name = "revoked_by", length = MAX_ACTOR_LENGTH)
    private String revokedBy;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    @Version
    @Column(name = "row_version", nullable = false)
    private long rowVersion;

    protected FirmwareRelease() {
        // for JPA
    }

    /** A release as uploaded; {@link #signed} or {@link #verified} records how its signature was checked. */
    public FirmwareRelease(
            byte[] image,
            byte[] payloadDigest,
            byte[] manifestDigest,
            int keySlot,
            byte[] keyDigest,
            String imageType,
            long version,
            int securityVersion,
            String buildId,
            String uploadedBy,
            Instant uploadedAt) {
        if (image == null || image.length == 0) {
            throw new IllegalArgumentException("a release holds its image");
        }
        if (keySlot < 0 || keySlot > 2) {
            throw new IllegalArgumentException("key slot must be 0..2");
        }
        if (version < 0 || version > 0xffff_ffffL) {
            throw new IllegalArgumentException("version must fit in 32 bits");
        }
        if (securityVersion < 0 || securityVersion > 64) {
            throw new IllegalArgumentException("security version must be 0..64");
        }
        this.image = image.clone();
        this.imageLength = image.length;
        this.payloadDigest = digestHex(payloadDigest, "payload digest");
        this.manifestDigest = digestHex(manifestDigest, "manifest digest");
        this.keySlot = keySlot;
        this.keyDigest = digestHex(keyDigest, "key digest");
        this.imageType = Objects.requireNonNull(imageType, "imageType");
        this.version = version;
        this.securityVersion = securityVersion;
        this.buildId = Objects.requireNonNull(buildId, "buildId");
        this.uploadedBy = actor(uploadedBy);
        this.uploadedAt = Objects.requireNonNull(uploadedAt, "uploadedAt");
        this.state = ReleaseState.UPLOADED;
    }

    private static String digestHex(byte[] digest, String what) {
        if (digest == null || digest.length != 32) {
            throw new IllegalArgumentException(what + " must be 32 bytes");
        }
        return HexFormat.of().formatHex(digest);
    }

    private static String actor(String name) {
        if (name == null || name.isBlank() || name.length() > MAX_ACTOR_LENGTH) {
            throw new IllegalArgumentException("an administrator name of 1.." + MAX_ACTOR_LENGTH + " characters");
        }
        return name;
    }

    /** The backend signed it with its own key and checked the result. */
    public void signed() {
        requireState(ReleaseState.UPLOADED, "signed");
        state = ReleaseState.SIGNED;
    }

    /** Signed elsewhere; the signature checked out against a trusted key slot. */
    public void verified() {
        requireState(ReleaseState.UPLOADED, "verified");
        state = ReleaseState.VERIFIED;
    }

    /** The caller checks who may approve ({@code SecurityVersions.mayApprove}); the release checks when. */
    public void approve(String approver, Instant at) {
        if (state != ReleaseState.SIGNED && state != ReleaseState.VERIFIED) {
            throw new IllegalStateException("only a signed or verified release can be approved; this one is " + state);
        }
        this.approvedBy = actor(approver);
        this.approvedAt = Objects.requireNonNull(at, "at");
        state = ReleaseState.APPROVED;
    }

    /** Final: a revoked release is never offered again and its chunks answer 410. */
    public void revoke(String by, Instant at) {
        if (state == ReleaseState.REVOKED) {
            throw new IllegalStateException("the release is revoked already");
        }
        this.revokedBy = actor(by);
        this.revokedAt = Objects.requireNonNull(at, "at");
        state = ReleaseState.REVOKED;
    }

    private void requireState(ReleaseState wanted, String what) {
        if (state != wanted) {
            throw new IllegalStateException("a release can be " + what + " only when " + wanted + "; it is " + state);
        }
    }

    public boolean hasManifestDigest(byte[] digest) {
        return digest != null && MessageDigest.isEqual(HexFormat.of().parseHex(manifestDigest), digest);
    }

    public Long id() {
        return id;
    }

    public byte[] image() {
        return image.clone();
    }

    public long imageLength() {
        return imageLength;
    }

    public String payloadDigest() {
        return payloadDigest;
    }

    public String manifestDigest() {
        return manifestDigest;
    }

    public int keySlot() {
        return keySlot;
    }

    public String keyDigest() {
        return keyDigest;
    }

    public String imageType() {
        return imageType;
    }

    public long version() {
        return version;
    }

    public int securityVersion() {
        return securityVersion;
    }

    public String buildId() {
        return buildId;
    }

    public ReleaseState state() {
        return state;
    }

    public String uploadedBy() {
        return uploadedBy;
    }

    public Instant uploadedAt() {
        return uploadedAt;
    }

    public String approvedBy() {
        return approvedBy;
    }

    public Instant approvedAt() {
        return approvedAt;
    }

    public String revokedBy() {
        return revokedBy;
    }

    public Instant revokedAt() {
        return revokedAt;
    }

    @Override
    public String toString() {
        return "FirmwareRelease[" + id + " " + imageType + " v" + version + " sv" + securityVersion + " " + state + "]";
    }
}
