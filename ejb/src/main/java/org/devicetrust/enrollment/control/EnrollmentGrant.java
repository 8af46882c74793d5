package org.devicetrust.enrollment.control;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.devicetrust.enrollment.entity.EnrollmentToken;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.platform.entity.DeviceId;

/**
 * Proof that a device, not an administrator, may be issued a certificate now: it exists only after a factory
 * method here has checked a one-time enrollment token, a factory certificate (IDevID) of a configured manufacturer
 * CA, or a current certificate inside the renewal window. EST enrollment issues only to a grant (to its device, as
 * its actor, revoking its superseded certificate); nothing else can make one.
 */
public final class EnrollmentGrant {

    private final DeviceId device;
    private final String actor;
    private final String supersededSerial;

    private EnrollmentGrant(DeviceId device, String actor, String supersededSerial) {
        this.device = device;
        this.actor = actor;
        this.supersededSerial = supersededSerial;
    }

    /** First enrollment: the presented token matches the stored digest and the token is usable now. */
    public static Optional<EnrollmentGrant> forToken(EnrollmentToken token, String presented, Instant now) {
        Objects.requireNonNull(token, "token");
        if (!EnrollmentTokens.matches(presented, token.tokenSha256()) || !token.isUsableAt(now)) {
            return Optional.empty();
        }
        return Optional.of(new EnrollmentGrant(
                token.deviceId(), "est:" + token.deviceId().value() + " (enrollment token #" + token.id() + ")", null));
    }

    /**
     * First enrollment with a factory certificate: {@code factory} names the device the presented chain names
     * (see {@link FactoryCertificates#deviceIdOf}), and that device is the one asked for.
     */
    public static Optional<EnrollmentGrant> forFactoryCertificate(
            FactoryCertificates factory, X509Certificate[] presented, String deviceId, Instant now) {
        Objects.requireNonNull(factory, "factory");
        Optional<String> named = factory.deviceIdOf(presented, now);
        if (named.isEmpty() || !named.get().equals(deviceId) || !DeviceId.isValid(deviceId)) {
            return Optional.empty();
        }
        return Optional.of(new EnrollmentGrant(
                new DeviceId(deviceId),
                "est:" + deviceId + " (factory certificate "
                        + presented[0].getSerialNumber().toString(16) + ")",
                null));
    }

    /**
     * Re-enrollment: the presented certificate is exactly the stored one, belongs to the authenticated device, is
     * not revoked and the policy says renewal is due. {@code revokeCurrent} asks the CA to revoke it (superseded)
     * in the same transaction.
     */
    public static Optional<EnrollmentGrant> forRenewal(
            IssuedCertificate current,
            X509Certificate presented,
            String authenticatedDevice,
            RenewalPolicy policy,
            Instant now,
            boolean revokeCurrent) {
        if (current == null
                || presented == null
                || current.isRevoked()
                || !current.deviceId().value().equals(authenticatedDevice)
                || !current.sha256Fingerprint().equals(fingerprint(presented))
                || policy.decide(current.notBefore(), current.notAfter(), now) != RenewalPolicy.Decision.DUE) {
            return Optional.empty();
        }
        return Optional.of(new EnrollmentGrant(
                current.deviceId(),
                "est:" + authenticatedDevice + " (certificate " + current.serialHex() + ")",
                revokeCurrent ? current.serialHex() : null));
    }

    public DeviceId device() {
        return device;
    }

    /** Who the CA records as issuer/revoker: the device and how it authenticated. */
    public String actor() {
        return actor;
    }

    /** The serial to revoke as superseded once the new certificate is issued, if any. */
    public Optional<String> supersededSerial() {
        return Optional.ofNullable(supersededSerial);
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint the certificate", e);
        }
    }
}
