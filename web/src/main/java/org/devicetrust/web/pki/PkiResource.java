package org.devicetrust.web.pki;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;
import org.devicetrust.pki.boundary.CertificateQueries;
import org.devicetrust.pki.boundary.OcspResponder;
import org.devicetrust.pki.boundary.RootCrlPublisher;
import org.devicetrust.pki.entity.PublishedCrl;

/**
 * Public PKI files and the OCSP responder over plain HTTP at stable URLs (the CRL distribution point, the
 * Freshest CRL and the AIA OCSP location written into every device certificate point here). Everything served is public and signed; nothing here needs authentication.
 */
@Path("")
public class PkiResource {

    public static final String PKIX_CRL = "application/pkix-crl";
    public static final String PKIX_CERT = "application/pkix-cert";
    public static final String PEM = "application/x-pem-file";
    public static final String OCSP_REQUEST = "application/ocsp-request";
    public static final String OCSP_RESPONSE = "application/ocsp-response";
    public static final String DELTA_CRL = "device-ca-delta.crl";
    /**
     * How long HTTP caches may keep a pre-produced OCSP response (RFC 5019 6.2), at most until its nextUpdate:
     * short, because a cache in between does not hear of a revocation.
     */
    static final long OCSP_MAX_AGE_SECONDS = 60;

    @Inject
    CertificateQueries certificates;

    @Inject
    RootCrlPublisher rootCrls;

    @Inject
    OcspResponder ocsp;

    /**
     * The current full CRL ({@code device-ca.crl}), delta CRL ({@code device-ca-delta.crl}) or the root CA's CRL
     * ({@code root-ca.crl}): DER by default, PEM for {@code Accept: application/x-pem-file} or the .pem URL.
     */
    @GET
    @Path("crl/{file}")
    public Response crl(@PathParam("file") String file, @HeaderParam("Accept") String accept) {
        boolean delta = file.equals(DELTA_CRL) || file.equals(DELTA_CRL + ".pem");
        boolean pem = file.endsWith(".pem") || (accept != null && accept.contains(PEM));
        if (file.equals("root-ca.crl") || file.equals("root-ca.crl.pem")) {
            return rootCrl(file, pem);
        }
        if (!delta && !file.equals("device-ca.crl") && !file.equals("device-ca.crl.pem")) {
            throw new NotFoundException("no such CRL; the device CA's CRLs are /pki/crl/device-ca.crl and /pki/crl/"
                    + DELTA_CRL + ", the root CA's /pki/crl/root-ca.crl");
        }
        PublishedCrl crl = (delta ? certificates.currentDeltaCrl() : certificates.currentCrl())
                .orElseThrow(() -> new NotFoundException("no CRL published yet"));
        CacheControl cache = new CacheControl();
        cache.setMaxAge(60);
        Response.ResponseBuilder response =
                pem ? Response.ok(CertificateQueries.pem(crl), PEM) : Response.ok(crl.der(), PKIX_CRL);
        return response.cacheControl(cache)
                .lastModified(Date.from(crl.thisUpdate()))
                .header("Content-Disposition", "attachment; filename=\"" + file + "\"")
                .build();
    }

    /** The root CA's CRL (what the root signs: the Device CA and the TLS server certificate). */
    private Response rootCrl(String file, boolean pem) {
        Response.ResponseBuilder response = (pem
                        ? rootCrls.currentCrlPem().map(text -> Response.ok(text, PEM))
                        : rootCrls.currentCrl().map(der -> Response.ok(der, PKIX_CRL)))
                .orElseThrow(() -> new NotFoundException("no root CRL published yet"));
        CacheControl cache = new CacheControl();
        cache.setMaxAge(300);
        return response.cacheControl(cache)
                .header("Content-Disposition", "attachment; filename=\"" + file + "\"")
                .build();
    }

    /** OCSP over POST (RFC 6960 A.1): the DER request is the body. */
    @POST
    @Path("ocsp")
    public Response ocspPost(@HeaderParam("Content-Type") String contentType, InputStream body) throws IOException {
        if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith(OCSP_REQUEST)) {
            return ocsp(new byte[0]);
        }
        byte[] request = body.readNBytes(OcspResponder.MAX_REQUEST_BYTES + 1);
        if (request.length > OcspResponder.MAX_REQUEST_BYTES) {
            // Read the rest (the body limit bounds it) before answering: a server that answers and closes while
            // the client is still sending makes the client see a reset connection instead of malformedRequest.
            try {
                body.transferTo(OutputStream.nullOutputStream());
            } catch (IOException | RuntimeException e) {
                // over the body limit or cut off: the answer below is all the client gets either way
            }
        }
        return ocsp(request);
    }

    /** OCSP over GET (RFC 5019 5): the base64 of the DER request, URL-encoded, is the rest of the path. */
    @GET
    @Path("ocsp/{request: .*}")
    public Response ocspGet(@PathParam("request") String encoded) {
        if (encoded.length() > OcspResponder.MAX_REQUEST_BYTES * 2) {
            return ocsp(new byte[0]);
        }
        byte[] request;
        try {
            request = Base64.getDecoder().decode(encoded.trim());
        } catch (IllegalArgumentException e) {
            request = new byte[0];
        }
        return ocsp(request);
    }

    @GET
    @Path("ocsp")
    public Response ocspGetWithoutRequest() {
        return ocsp(new byte[0]);
    }

    private Response ocsp(byte[] request) {
        OcspResponder.Answer answer = ocsp.respond(request);
        Response.ResponseBuilder response = Response.ok(answer.der(), OCSP_RESPONSE);
        if (!answer.cacheable()) {
            return response.header("Cache-Control", "no-store").build();
        }
        Instant now = Instant.now();
        long maxAge = Math.max(
                0,
                Math.min(
                        OCSP_MAX_AGE_SECONDS,
                        Duration.between(now, answer.nextUpdate()).getSeconds()));
        return response.header("Cache-Control", "max-age=" + maxAge + ", public, no-transform, must-revalidate")
                .lastModified(Date.from(answer.producedAt()))
                .expires(Date.from(answer.nextUpdate()))
                .header("ETag", answer.etag())
                .build();
    }

    /** CA certificates: root-ca, device-ca and ca-chain (.pem), or root-ca / device-ca as DER (.crt). */
    @GET
    @Path("ca/{file}")
    public Response caCertificate(@PathParam("file") String file) {
        X509Certificate root = certificates.rootCertificate();
        X509Certificate deviceCa = certificates.deviceCaCertificate();
        try {
            return switch (file) {
                case "root-ca.pem" ->
                    Response.ok(CertificateQueries.pem(root), PEM).build();
                case "device-ca.pem" ->
                    Response.ok(CertificateQueries.pem(deviceCa), PEM).build();
                case "ca-chain.pem" ->
                    Response.ok(CertificateQueries.pem(deviceCa) + CertificateQueries.pem(root), PEM)
                            .build();
                case "root-ca.crt" -> Response.ok(root.getEncoded(), PKIX_CERT).build();
                case "device-ca.crt" ->
                    Response.ok(deviceCa.getEncoded(), PKIX_CERT).build();
                default ->
                    throw new NotFoundException(
                            "no such file; available: root-ca.pem, device-ca.pem, ca-chain.pem, root-ca.crt, device-ca.crt");
            };
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a CA certificate", e);
        }
    }
}
