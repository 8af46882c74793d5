package org.devicetrust.pki.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.pki.control.CertificateFactory;
import org.devicetrust.pki.control.CsrRejectedException;
import org.devicetrust.pki.control.CsrValidator;
import org.devicetrust.pki.control.FactoryKeys;
import org.devicetrust.pki.control.KeyStoreUnavailableException;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.platform.boundary.AuthorizationChanges;
import org.devicetrust.platform.boundary.ProblemType;
import org.devicetrust.platform.entity.AuthorizationChange;
import org.devicetrust.platform.entity.DeviceId;

/**
 * Issuance: a device certificate from a PKCS#10 CSR, stored with its device link and audited in the caller's
 * transaction (the audit record commits with the certificate, or neither does). The CA issues to a {@link DeviceId} and knows no device lifecycle: whether a device may have a
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

    @EJB
    AuthorizationChanges changes;

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
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        IssuedCertificate issued;
        try {
            issued = certify(device, csr, issuedBy, now);
        } catch (PkiException e) {
            auditLog.record(
                    issuedBy,
                    AuditAction.CERTIFICATE_ISSUED,
                    device.value(),
                    AuditOutcome.FAILURE,
                    e.type() + ": " + e.getMessage());
            throw e;
        }
        em.persist(issued);
        em.flush();
        changes.record(AuthorizationChange.certificateIssued(issued.serialHex(), now));
        // last: the record commits with the certificate, and the chain head is held only until that commit
        auditLog.recordInTransaction(
                issuedBy, AuditAction.CERTIFICATE_ISSUED, device.value(), AuditOutcome.SUCCESS, issuedDetail(issued));
        return issued;
    }

    /**
     * Batch issuance for factory lines: each request is issued as {@link #issue} does, all in the caller's
     * transaction with one audit append at its end, so the batch costs one commit. A request that cannot be
     * issued (its refusal given by the caller, or a CSR the CA refuses) is answered with its refusal and audited
     * as a failure; it does not stop the others.
     */
    @RolesAllowed(ISSUER_ROLE)
    public List<BatchResult> issueAll(List<BatchRequest> requests, String issuedBy) {
        if (requests.size() > MAX_BATCH) {
            throw new PkiException(
                    ProblemType.BATCH_SIZE_INVALID, "at most " + MAX_BATCH + " certificates are issued per request");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        List<BatchResult> results = new ArrayList<>(requests.size());
        List<AuditLog.Entry> records = new ArrayList<>(requests.size());
        for (BatchRequest request : requests) {
            PkiException refusal = request.refusal();
            if (refusal == null) {
                try {
                    IssuedCertificate issued = certify(request.device(), request.csr(), issuedBy, now);
                    em.persist(issued);
                    results.add(new BatchResult(request.subject(), issued, null));
                    records.add(new AuditLog.Entry(
                            issuedBy,
                            AuditAction.CERTIFICATE_ISSUED,
                            request.subject(),
                            AuditOutcome.SUCCESS,
                            issuedDetail(issued)));
                    continue;
                } catch (PkiException e) {
                    refusal = e;
                }
            }
            results.add(new BatchResult(request.subject(), null, refusal));
            records.add(new AuditLog.Entry(
                    issuedBy,
                    AuditAction.CERTIFICATE_ISSUED,
                    request.subject(),
                    AuditOutcome.FAILURE,
                    refusal.type() + ": " + refusal.getMessage()));
        }
        em.flush();
        for (BatchResult result : results) {
            if (result.issued() != null) {
                changes.record(
                        AuthorizationChange.certificateIssued(result.issued().serialHex(), now));
            }
        }
        auditLog.recordAllInTransaction(records);
        return results;
    }

    /** The most requests {@link #issueAll} takes at once. */
    public static final int MAX_BATCH = 100;

    /**
     * One request of a batch: the device and its CSR, or the caller's refusal (for example the device rule's)
     * when it is not to be issued. {@code subject} names it in the result and the audit record.
     */
    public record BatchRequest(String subject, DeviceId device, byte[] csr, PkiException refusal) {}

    /** The certificate issued for one request of a batch, or why none was. */
    public record BatchResult(String subject, IssuedCertificate issued, PkiException refusal) {}

    /** Validates the CSR and builds, signs and verifies the certificate (not yet stored). */
    private IssuedCertificate certify(DeviceId device, byte[] csr, String issuedBy, Instant now) {
        CsrValidator.ValidatedCsr request = validate(csr);
        X509Certificate certificate;
        try {
            certificate = new CertificateFactory(provider, random, Clock.fixed(now, ZoneOffset.UTC))
                    .device(
                            deviceCa.credential(),
                            device,
                            request.publicKey(),
                            deviceCa.deviceValidity(),
                            deviceCa.crlUrl());
        } catch (KeyStoreUnavailableException e) {
            throw deviceCa.unavailable(e);
        }
        return new IssuedCertificate(certificate, device, request.keyDescription(), now, issuedBy);
    }

    private static String issuedDetail(IssuedCertificate issued) {
        return "serial " + issued.serialHex() + ", " + issued.keyDescription() + ", valid until " + issued.notAfter();
    }

    /**
     * Factory provisioning: generates an EC P-256 key pair for {@code device} here (the only place a device key is
     * made outside the device), issues its certificate as {@link #issue} does, and returns key and chain as a
     * PKCS#12 under a new one-time password. Neither is stored. Audited as {@code FACTORY_KEY_GENERATED} (and the
     * issuance as {@code CERTIFICATE_ISSUED}).
     *
     * @throws PkiException as {@link #issue}
     */
    @RolesAllowed(ISSUER_ROLE)
    public FactoryCredential issueWithGeneratedKey(DeviceId device, String issuedBy) {
        try {
            FactoryKeys factoryKeys = new FactoryKeys(provider, random);
            KeyPair keys = factoryKeys.keyPair();
            IssuedCertificate issued = issue(device, factoryKeys.csr(keys, device), issuedBy);
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(issued.certificate());
            chain.addAll(deviceCa.chain());
            char[] password = factoryKeys.password();
            byte[] pkcs12 = factoryKeys.pkcs12(device.value(), keys.getPrivate(), chain, password);
            auditLog.recordInTransaction(
                    issuedBy,
                    AuditAction.FACTORY_KEY_GENERATED,
                    device.value(),
                    AuditOutcome.SUCCESS,
                    "EC P-256 key generated for serial " + issued.serialHex()
                            + ", handed out once as PKCS#12; the key is not kept");
            return new FactoryCredential(issued, pkcs12, password);
        } catch (PkiException e) {
            auditLog.record(
                    issuedBy,
                    AuditAction.FACTORY_KEY_GENERATED,
                    device.value(),
                    AuditOutcome.FAILURE,
                    e.type() + ": " + e.getMessage());
            throw e;
        } catch (GeneralSecurityException e) {
            auditLog.record(
                    issuedBy,
                    AuditAction.FACTORY_KEY_GENERATED,
                    device.value(),
                    AuditOutcome.FAILURE,
                    "key pair or PKCS#12 not generated: " + e.getMessage());
            throw new IllegalStateException("the key pair or PKCS#12 could not be generated", e);
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
