package org.devicetrust.pki.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.pki.control.CertificateFactory;
import org.devicetrust.pki.control.CsrRejectedException;
import org.devicetrust.pki.control.CsrValidator;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.platform.entity.DeviceId;

/**
 * Issuance: a device certificate from a PKCS#10 CSR, stored with its device link and audited in the caller's
 * transaction. The CA issues to a {@link DeviceId} and knows no device lifecycle: whether a device may have a
 * certificate is the device registry's rule, checked by the callers before they call in. Only beans that run
 * as {@link #ISSUER_ROLE} ({@code @RunAs}) may issue: the device component's
 * {@code DeviceCertificates} for administrators, and EST enrollment for devices.
 */
@Stateless
public class CertificateIssuance {

    /** The role of the beans that check the device rule and then issue; no person or device has it. */
    public static final String ISSUER_ROLE = "certificate-issuer";

    @PersistenceContext
    EntityManager em;

    @EJB
    DeviceCa deviceCa;

    @EJB
    AuditLog auditLog;

    @Inject
    SecureRandom random;

    @Inject
    Clock clock;

    @Inject
    Provider provider;

    /**
     * Issues a certificate for {@code device} from a CSR (DER or PEM) and records {@code issuedBy} as issuer.
     *
     * @throws PkiException.InvalidCsr csr-too-large, csr-malformed, csr-signature-invalid, key-unsupported
     */
    @RolesAllowed(ISSUER_ROLE)
    public IssuedCertificate issue(DeviceId device, byte[] csr, String issuedBy) {
        try {
            CsrValidator.ValidatedCsr request = validate(csr);
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            X509Certificate certificate = new CertificateFactory(provider, random, Clock.fixed(now, ZoneOffset.UTC))
                    .device(deviceCa.credential(), device, request.publicKey(), deviceCa.deviceValidity(),
                            deviceCa.crlUrl());
            IssuedCertificate issued = new IssuedCertificate(certificate, device, request.keyDescription(), now,
                    issuedBy);
            em.persist(issued);
            em.flush();
            auditLog.record(issuedBy, AuditAction.CERTIFICATE_ISSUED, device.value(), AuditOutcome.SUCCESS, "serial "
                    + issued.serialHex() + ", " + issued.keyDescription() + ", valid until " + issued.notAfter());
            return issued;
        } catch (PkiException e) {
            auditLog.record(issuedBy, AuditAction.CERTIFICATE_ISSUED, device.value(), AuditOutcome.FAILURE,
                    e.type() + ": " + e.getMessage());
            throw e;
        }
    }

    /**
     * The common name a CSR asks for, if it names exactly one; for callers that hold a CSR to its subject before
     * they issue (EST). Checks the CSR as {@link #issue} does.
     *
     * @throws PkiException.InvalidCsr as {@link #issue}
     */
    @PermitAll
    public String requestedCommonName(byte[] csr) {
        return validate(csr).requestedCommonName();
    }

    private CsrValidator.ValidatedCsr validate(byte[] csr) {
        try {
            return new CsrValidator(provider).validate(csr);
        } catch (CsrRejectedException e) {
            throw new PkiException.InvalidCsr(e.problem().type(), e.getMessage());
        }
    }
}
