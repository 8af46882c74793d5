package org.devicetrust.web.admin;

import java.time.Instant;
import org.devicetrust.firmware.entity.FirmwareRelease;

/** A firmware release as the admin API shows it (never its bytes). */
public record FirmwareReleaseResponse(
        long id,
        String state,
        String imageType,
        long version,
        int securityVersion,
        String buildId,
        long imageLength,
        int keySlot,
        String keyDigest,
        String payloadDigest,
        String manifestDigest,
        String uploadedBy,
        Instant uploadedAt,
        String approvedBy,
        Instant approvedAt,
        String revokedBy,
        Instant revokedAt,
        boolean raisesSecurityVersion) {

    static FirmwareReleaseResponse of(FirmwareRelease r, boolean raisesSecurityVersion) {
        return new FirmwareReleaseResponse(
                r.id(),
                r.state().name(),
                r.imageType(),
                r.version(),
                r.securityVersion(),
                r.buildId(),
                r.imageLength(),
                r.keySlot(),
                r.keyDigest(),
                r.payloadDigest(),
                r.manifestDigest(),
                r.uploadedBy(),
                r.uploadedAt(),
                r.approvedBy(),
                r.approvedAt(),
                r.revokedBy(),
                r.revokedAt(),
                raisesSecurityVersion);
    }
}
