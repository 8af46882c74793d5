package org.devicetrust.pki.boundary;

import org.devicetrust.pki.entity.IssuedCertificate;

/**
 * A device credential made on the server for factory provisioning: the issued certificate, the key and chain as
 * PKCS#12, and its one-time password. Neither the key nor the password is stored; the caller hands them out once.
 */
public record FactoryCredential(IssuedCertificate certificate, byte[] pkcs12, char[] password) {

    @Override
    public String toString() {
        return "FactoryCredential[certificate=" + certificate.serialHex() + "]"; // never the key or the password
    }
}
