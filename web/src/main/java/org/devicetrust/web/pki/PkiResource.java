package org.devicetrust.web.pki;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.devicetrust.pki.boundary.CertificateQueries;
import org.devicetrust.pki.boundary.RootCrlPublisher;
import org.devicetrust.pki.entity.PublishedCrl;

/**
 * Public PKI files and the OCSP responder over plain HTTP at stable URLs (the CRL distribution point, the
 * Freshest CRL written into every device certificate point here; the OCSP location is {@link OcspServlet}).
 * Everything served is public and signed; nothing here needs authentication.
 */
@Path("")
public class PkiResource {

    public static final String PKIX_CRL = "application/pkix-crl";
    public static final String PKIX_CERT = "application/pkix-cert";
    public static final String PEM = "application/x-pem-file";
    public static final String DELTA_CRL = "device-ca-delta.crl";

    @Inject
    CertificateQueries certificates;

    @Inject
    RootCrlPublisher rootCrls;

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
