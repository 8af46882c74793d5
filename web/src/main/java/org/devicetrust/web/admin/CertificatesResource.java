package org.devicetrust.web.admin;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.devicetrust.device.boundary.DeviceCertificates;
import org.devicetrust.pki.boundary.CertificateIssuance;
import org.devicetrust.pki.boundary.CertificateQueries;
import org.devicetrust.pki.boundary.CertificateRevocation;
import org.devicetrust.pki.boundary.CrlPublisher;
import org.devicetrust.pki.boundary.OcspResponder;
import org.devicetrust.pki.boundary.PkiException;
import org.devicetrust.pki.entity.PublishedCrl;
import org.devicetrust.pki.entity.RevocationReason;
import org.devicetrust.platform.boundary.ProblemType;
import org.devicetrust.web.problem.InvalidRequest;

/** Admin API: certificates by serial, batch issuance, revocation, CRL publication, the OCSP responder's state. */
@Path("admin")
@Produces(MediaType.APPLICATION_JSON)
public class CertificatesResource {

    @Inject
    CertificateQueries certificates;

    @Inject
    CertificateRevocation revocation;

    @Inject
    CrlPublisher crlPublisher;

    @Inject
    DeviceCertificates deviceCertificates;

    @Inject
    OcspResponder ocsp;

    /** A full CRL with the newest delta CRL on it ({@code delta} null when there is none yet). */
    public record CrlResponse(
            long crlNumber,
            java.time.Instant thisUpdate,
            java.time.Instant nextUpdate,
            int entries,
            long ageSeconds,
            DeltaCrlResponse delta) {
        static CrlResponse of(PublishedCrl crl, java.util.Optional<PublishedCrl> delta) {
            return new CrlResponse(
                    crl.crlNumber(),
                    crl.thisUpdate(),
                    crl.nextUpdate(),
                    crl.entryCount(),
                    ageOf(crl),
                    delta.map(DeltaCrlResponse::of).orElse(null));
        }
    }

    public record DeltaCrlResponse(
            long crlNumber,
            long baseCrlNumber,
            java.time.Instant thisUpdate,
            java.time.Instant nextUpdate,
            int entries,
            long ageSeconds) {
        static DeltaCrlResponse of(PublishedCrl delta) {
            return new DeltaCrlResponse(
                    delta.crlNumber(),
                    delta.baseCrlNumber().orElse(0),
                    delta.thisUpdate(),
                    delta.nextUpdate(),
                    delta.entryCount(),
                    ageOf(delta));
        }
    }

    /** The delegated OCSP signer and this node's answers since it started. */
    public record OcspResponse(
            String signerSerial,
            String signerSubject,
            java.time.Instant signerNotBefore,
            java.time.Instant signerNotAfter,
            long responseValiditySeconds,
            int cachedResponses,
            long cacheHits,
            java.util.Map<String, Long> answers,
            java.time.Instant countingSince) {
        static OcspResponse of(OcspResponder.Status status) {
            java.util.Map<String, Long> answers = new java.util.LinkedHashMap<>();
            status.answers().forEach((outcome, count) -> answers.put(outcome.name(), count));
            return new OcspResponse(
                    status.signerSerial(),
                    status.signerSubject(),
                    status.signerNotBefore(),
                    status.signerNotAfter(),
                    status.responseValidity().getSeconds(),
                    status.cachedResponses(),
                    status.cacheHits(),
                    answers,
                    status.countingSince());
        }
    }

    private static long ageOf(PublishedCrl crl) {
        return Math.max(
                0,
                java.time.Duration.between(crl.thisUpdate(), java.time.Instant.now())
                        .getSeconds());
    }

    @GET
    @Path("certificates/{serial}")
    public CertificateResponse get(@PathParam("serial") String serial) {
        return certificates
                .findBySerial(serial)
                .map(CertificateResponse::of)
                .orElseThrow(() -> new PkiException.UnknownSerial("no certificate with serial " + serial));
    }

    @POST
    @Path("certificates/{serial}/revocation")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
    public CertificateResponse revoke(@PathParam("serial") String serial, RevocationRequest request) {
        return CertificateResponse.of(revocation.revoke(serial, reason(request == null ? null : request.reason())));
    }

    /**
     * Revokes up to 500 certificates with one reason and publishes one CRL for all of them; a serial that cannot
     * be revoked is listed under {@code refused} and does not stop the others.
     */
    @POST
    @Path("revocations")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
    public BulkRevocationResponse revokeAll(BulkRevocationRequest request) {
        if (request == null || request.serials() == null) {
            throw new PkiException(
                    ProblemType.BULK_SIZE_INVALID,
                    "the body must be {\"serials\": [\"<hex>\", ...], " + "\"reason\": \"<RFC 5280 reason>\"}");
        }
        return BulkRevocationResponse.of(revocation.revokeAll(request.serials(), reason(request.reason())));
    }

    /**
     * Batch issuance for factory lines: up to {@link CertificateIssuance#MAX_BATCH} devices, each with its CSR,
     * issued in one transaction (one commit for all certificates and their audit records). Answers 200 with one
     * result per request, in request order: 201 and the certificate, or the refusal's status and problem details;
     * a refused request does not stop the others.
     */
    @POST
    @Path("issuances")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
    public IssuanceBatchResponse issueAll(IssuanceBatchRequest request) {
        if (request == null || request.requests() == null) {
            throw new PkiException(
                    ProblemType.BATCH_SIZE_INVALID,
                    "the body must be {\"requests\": [{\"deviceId\": \"<id>\", \"csr\": \"<PEM>\"}, ...]}");
        }
        List<DeviceCertificates.BatchItem> items =
                new ArrayList<>(request.requests().size());
        for (IssuanceBatchRequest.Item item : request.requests()) {
            if (item == null) {
                throw new InvalidRequest("each request must be {\"deviceId\": \"<id>\", \"csr\": \"<PEM>\"}");
            }
            items.add(new DeviceCertificates.BatchItem(
                    item.deviceId(),
                    item.csr() == null ? new byte[0] : item.csr().getBytes(StandardCharsets.US_ASCII)));
        }
        return IssuanceBatchResponse.of(deviceCertificates.issueAll(items));
    }

    private static RevocationReason reason(String name) {
        try {
            return RevocationReason.parse(name == null || name.isBlank() ? "unspecified" : name);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(e.getMessage()); // names the accepted reasons
        }
    }

    @POST
    @Path("crl")
    public CrlResponse publish() {
        PublishedCrl crl = crlPublisher.publishCrl();
        return CrlResponse.of(crl, certificates.currentDeltaCrl());
    }

    @GET
    @Path("crl")
    public CrlResponse current() {
        return certificates
                .currentCrl()
                .map(crl -> CrlResponse.of(crl, certificates.currentDeltaCrl()))
                .orElseThrow(() -> new jakarta.ws.rs.NotFoundException("no CRL published yet"));
    }

    @GET
    @Path("ocsp")
    public OcspResponse ocsp() {
        return OcspResponse.of(ocsp.status());
    }
}
