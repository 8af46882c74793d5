package org.devicetrust.pki.control;

import java.net.URI;
import java.util.Objects;

/**
 * Where relying parties learn a device certificate's status: the full CRL (the configured CRL distribution
 * point), the delta CRL next to it ({@code device-ca-delta.crl} in the same directory) and the OCSP responder
 * ({@code ocsp} one level up: {@code http://host:8080/pki/crl/device-ca.crl} gives
 * {@code http://host:8080/pki/ocsp}). Derived from the one configured URL so that they always name the same
 * server.
 */
public record RevocationUrls(URI crl, URI deltaCrl, URI ocsp) {

    public static final String DELTA_CRL_FILE = "device-ca-delta.crl";

    public RevocationUrls {
        Objects.requireNonNull(crl, "crl");
        Objects.requireNonNull(deltaCrl, "deltaCrl");
        Objects.requireNonNull(ocsp, "ocsp");
    }

    public static RevocationUrls nextTo(URI crlUrl) {
        Objects.requireNonNull(crlUrl, "crlUrl");
        return new RevocationUrls(crlUrl, crlUrl.resolve(DELTA_CRL_FILE), crlUrl.resolve("../ocsp"));
    }
}
