package org.devicetrust.web.admin;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.devicetrust.pki.boundary.CertificateAuthority;
import org.devicetrust.pki.boundary.PkiException;
import org.devicetrust.pki.entity.PublishedCrl;
import org.devicetrust.pki.entity.RevocationReason;

/** Admin API: issuance from CSRs, revocation, CRL publication. */
@Path("admin")
@Produces(MediaType.APPLICATION_JSON)
public class CertificatesResource {

    public static final String PKCS10 = "application/pkcs10";
    public static final String PEM = "application/x-pem-file";

    @Inject
    CertificateAuthority ca;

    public record CrlResponse(long crlNumber, java.time.Instant thisUpdate, java.time.Instant nextUpdate,
            int entries) {
        static CrlResponse of(PublishedCrl crl) {
            return new CrlResponse(crl.crlNumber(), crl.thisUpdate(), crl.nextUpdate(), crl.entryCount());
        }
    }

    /** Issues a certificate for a registered, ACTIVE device from a PKCS#10 CSR (PEM, or DER as application/pkcs10). */
    @POST
    @Path("devices/{id}/certificates")
    @Consumes({PKCS10, PEM, MediaType.TEXT_PLAIN})
    @Produces({MediaType.APPLICATION_JSON, PEM})
    public Response issue(@PathParam("id") String deviceId, byte[] csr, @Context UriInfo uri,
            @jakarta.ws.rs.HeaderParam("Accept") String accept) {
        if (csr == null || csr.length == 0) {
            throw new PkiException.InvalidCsr("csr-malformed", "the request body must hold a PKCS#10 CSR");
        }
        var issued = ca.issue(deviceId, csr);
        var location = uri.getBaseUriBuilder().path("admin/certificates").path(issued.serialHex()).build();
        if (accept != null && accept.contains(PEM) && !accept.contains(MediaType.APPLICATION_JSON)) {
            return Response.created(location).type(PEM).entity(issued.pem()).build();
        }
        return Response.created(location).entity(CertificateResponse.of(issued)).build();
    }

    @GET
    @Path("devices/{id}/certificates")
    public List<CertificateResponse> ofDevice(@PathParam("id") String deviceId) {
        return ca.certificatesOf(deviceId).stream().map(CertificateResponse::of).toList();
    }

    @GET
    @Path("certificates/{serial}")
    public CertificateResponse get(@PathParam("serial") String serial) {
        return ca.findBySerial(serial).map(CertificateResponse::of)
                .orElseThrow(() -> new PkiException.UnknownSerial("no certificate with serial " + serial));
    }

    @POST
    @Path("certificates/{serial}/revocation")
    @Consumes(MediaType.APPLICATION_JSON)
    public CertificateResponse revoke(@PathParam("serial") String serial, RevocationRequest request) {
        RevocationReason reason = request == null || request.reason() == null || request.reason().isBlank()
                ? RevocationReason.parse("unspecified")
                : RevocationReason.parse(request.reason());
        return CertificateResponse.of(ca.revoke(serial, reason));
    }

    @POST
    @Path("crl")
    public CrlResponse publish() {
        return CrlResponse.of(ca.publishCrl());
    }

    @GET
    @Path("crl")
    public CrlResponse current() {
        return ca.currentCrl().map(CrlResponse::of)
                .orElseThrow(() -> new jakarta.ws.rs.NotFoundException("no CRL published yet"));
    }
}
