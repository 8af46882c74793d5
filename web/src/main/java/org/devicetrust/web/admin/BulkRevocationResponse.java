package org.devicetrust.web.admin;

import java.util.List;
import org.devicetrust.pki.boundary.BulkRevocation;
import org.devicetrust.pki.entity.IssuedCertificate;

/**
 * The outcome of a bulk revocation: the serials revoked, the serials refused with their problem type, and the
 * number of the one CRL published for them ({@code null} when nothing was revoked).
 */
public record BulkRevocationResponse(List<String> revoked, List<BulkRevocation.Refusal> refused, Long crlNumber) {

    static BulkRevocationResponse of(BulkRevocation bulk) {
        return new BulkRevocationResponse(bulk.revoked().stream().map(IssuedCertificate::serialHex).toList(),
                bulk.refused(), bulk.crlNumber().isPresent() ? bulk.crlNumber().getAsLong() : null);
    }
}
