package org.devicetrust.pki.boundary;

import java.util.List;
import java.util.OptionalLong;
import org.devicetrust.pki.entity.IssuedCertificate;

/**
 * What one {@link CertificateRevocation#revokeAll} call did: the certificates it revoked, the serials it refused
 * (each with its problem type and message), and the number of the one CRL it published (empty when nothing was
 * revoked).
 */
public record BulkRevocation(List<IssuedCertificate> revoked, List<Refusal> refused, OptionalLong crlNumber) {

    public BulkRevocation {
        revoked = List.copyOf(revoked);
        refused = List.copyOf(refused);
    }

    /** A serial that was not revoked, and why ({@code type} as in {@link PkiException#type()}). */
    public record Refusal(String serial, String type, String message) {}
}
