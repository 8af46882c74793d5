package org.devicetrust.device.control;

import java.math.BigInteger;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.devicetrust.device.entity.AccessReason;
import org.devicetrust.platform.entity.DeviceId;

/**
 * The offline part of device authentication: does the presented client certificate come from our Device CA,
 * is it valid now, is it meant for TLS client authentication, and which device does it name. Pure: the CA
 * certificate, the signature provider and the clock come in; no database, no container. The revocation and
 * registry lookups follow in the boundary.
 */
public final class CertificateCheck {

    /** id-kp-clientAuth (RFC 5280, 4.2.1.12). */
    public static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private static final int SAN_URI = 6;

    /** The outcome: either a device identity taken from a good certificate, or the reason it was refused. */
    public record Result(
            AccessReason reason, String deviceId, BigInteger serial, java.time.Instant notAfter, String detail) {

        public boolean passed() {
            return reason == AccessReason.ALLOWED;
        }

        static Result refused(AccessReason reason, String detail) {
            return new Result(reason, null, null, null, detail);
        }
    }

    private final X509Certificate deviceCa;
    private final Provider provider;
    private final Clock clock;

    public CertificateCheck(X509Certificate deviceCa, Provider provider, Clock clock) {
        this.deviceCa = Objects.requireNonNull(deviceCa, "deviceCa");
        this.provider = provider;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Checks the client chain as the servlet container hands it over (end-entity certificate first). */
    public Result check(X509Certificate[] chain) {
        if (chain == null || chain.length == 0 || chain[0] == null) {
            return Result.refused(AccessReason.NO_CERTIFICATE, "the request carries no TLS client certificate");
        }
        X509Certificate leaf = chain[0];
        if (!leaf.getIssuerX500Principal().equals(deviceCa.getSubjectX500Principal())) {
            return Result.refused(
                    AccessReason.UNKNOWN_CA,
                    "issuer " + leaf.getIssuerX500Principal().getName() + " is not the DeviceTrust Device CA");
        }
        try {
            if (provider == null) {
                leaf.verify(deviceCa.getPublicKey());
            } else {
                leaf.verify(deviceCa.getPublicKey(), provider);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            return Result.refused(AccessReason.UNKNOWN_CA, "signature does not verify with the Device CA key");
        }
        try {
            leaf.checkValidity(Date.from(clock.instant()));
        } catch (CertificateExpiredException e) {
            return Result.refused(
                    AccessReason.EXPIRED,
                    "certificate expired at " + leaf.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            return Result.refused(
                    AccessReason.NOT_YET_VALID,
                    "certificate is valid only from " + leaf.getNotBefore().toInstant());
        }
        if (!hasClientAuth(leaf)) {
            return Result.refused(AccessReason.NOT_FOR_CLIENT_AUTH, "certificate has no extended key usage clientAuth");
        }
        String deviceId = deviceId(leaf);
        if (deviceId == null) {
            return Result.refused(
                    AccessReason.IDENTITY_INVALID,
                    "certificate does not name one valid device id in its subject CN and SAN URI");
        }
        return new Result(
                AccessReason.ALLOWED,
                deviceId,
                leaf.getSerialNumber(),
                leaf.getNotAfter().toInstant(),
                "certificate good");
    }

    private static boolean hasClientAuth(X509Certificate leaf) {
        try {
            List<String> usages = leaf.getExtendedKeyUsage();
            return usages != null && usages.contains(CLIENT_AUTH);
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    /**
     * The device id: the single CN of the subject, which must be a valid {@link DeviceId}; every SAN URI of
     * the form {@code urn:devicetrust:device:...} must name the same device.
     */
    static String deviceId(X509Certificate leaf) {
        String cn = null;
        try {
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    if (cn != null || !(rdn.getValue() instanceof String value)) {
                        return null;
                    }
                    cn = value;
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        if (!DeviceId.isValid(cn)) {
            return null;
        }
        try {
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    if (name.size() == 2
                            && Integer.valueOf(SAN_URI).equals(name.get(0))
                            && name.get(1) instanceof String uri
                            && uri.regionMatches(true, 0, DeviceId.URN_PREFIX, 0, DeviceId.URN_PREFIX.length())
                            && !URI.create(uri).toString().equals(DeviceId.URN_PREFIX + cn)) {
                        return null;
                    }
                }
            }
        } catch (CertificateParsingException | IllegalArgumentException e) {
            return null;
        }
        return cn;
    }
}
