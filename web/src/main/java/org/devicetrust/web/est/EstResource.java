package org.devicetrust.web.est;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Locale;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.enrollment.boundary.Enrollment;
import org.devicetrust.enrollment.boundary.EnrollmentException;
import org.devicetrust.platform.boundary.ProblemType;
import org.devicetrust.web.problem.ProblemClassifier;
import org.devicetrust.web.problem.ProblemMapper;

/**
 * EST server endpoints (RFC 7030 section 4). Bodies are base64 of DER, as the RFC's
 * {@code Content-Transfer-Encoding: base64} says; refusals are RFC 9457 problem details.
 * Order of checks: authentication (401), content type (415), encoding (400), then the enrollment policy.
 */
@Path("")
public class EstResource {

    public static final String PKCS7_MIME = "application/pkcs7-mime";
    public static final String CERTS_ONLY = PKCS7_MIME + "; smime-type=certs-only";
    public static final String PKCS10 = "application/pkcs10";
    public static final String CSRATTRS = "application/csrattrs";
    static final String CHALLENGE = "Basic realm=\"DeviceTrust EST\", charset=\"UTF-8\"";
    private static final String CLIENT_CERTIFICATE = "jakarta.servlet.request.X509Certificate";

    @Inject
    Enrollment enrollment;

    @Context
    HttpServletRequest request;

    /** RFC 7030 4.1: the CA certificates (Device CA and root), certs-only CMS. Public. */
    @GET
    @Path("cacerts")
    public Response caCertificates() {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(300);
        return base64(PKCS7_MIME, enrollment.caCertificates())
                .cacheControl(cache)
                .build();
    }

    /** RFC 7030 4.5: what the CSR must contain (EC P-256 key, ECDSA with SHA-256). Public. */
    @GET
    @Path("csrattrs")
    public Response csrAttributes() {
        return base64(CSRATTRS, enrollment.csrAttributes()).build();
    }

    /**
     * RFC 7030 4.2.1: first enrollment, HTTP Basic with device id and one-time enrollment token; or, without an
     * Authorization header, a factory certificate (IDevID) as TLS client certificate on the device listener
     * (RFC 7030 3.3.2), checked against the configured manufacturer CAs by the enrollment boundary.
     */
    @POST
    @Path("simpleenroll")
    public Response simpleEnroll(
            @HeaderParam("Authorization") String authorization,
            @HeaderParam("Content-Type") String contentType,
            byte[] body) {
        X509Certificate[] chain =
                request.getAttribute(CLIENT_CERTIFICATE) instanceof X509Certificate[] presented && presented.length > 0
                        ? presented
                        : null;
        if (authorization == null && chain != null) {
            try {
                enrollment.authenticateFactoryCertificate(chain);
                byte[] csr = csr(AuditAction.EST_ENROLL, null, contentType, body);
                return certsOnly(
                        enrollment.enrollWithFactoryCertificate(chain, csr).certificate());
            } catch (EnrollmentException.Unauthenticated e) {
                return unauthorized(e);
            }
        }
        String[] credentials = basicCredentials(authorization);
        if (credentials == null) {
            try {
                enrollment.refuse(AuditAction.EST_ENROLL, null, new EnrollmentException.Unauthenticated());
            } catch (EnrollmentException.Unauthenticated e) {
                // recorded; answered below with the Basic challenge
            }
            return challenge();
        }
        String deviceId = credentials[0];
        try {
            enrollment.authenticate(deviceId, credentials[1]);
            byte[] csr = csr(AuditAction.EST_ENROLL, deviceId, contentType, body);
            X509Certificate issued =
                    enrollment.enroll(deviceId, credentials[1], csr).certificate();
            return certsOnly(issued);
        } catch (EnrollmentException.Unauthenticated e) {
            return unauthorized(e);
        }
    }

    /**
     * RFC 7030 4.2.2: renewal, authenticated by the current certificate on the device listener (web.xml and the
     * device authentication decide who the caller is; the boundary checks the certificate and the policy).
     */
    @POST
    @Path("simplereenroll")
    public Response simpleReenroll(@HeaderParam("Content-Type") String contentType, byte[] body) {
        String deviceId = request.getUserPrincipal() == null
                ? null
                : request.getUserPrincipal().getName();
        byte[] csr = csr(AuditAction.EST_REENROLL, deviceId, contentType, body);
        X509Certificate[] chain = (X509Certificate[]) request.getAttribute(CLIENT_CERTIFICATE);
        X509Certificate issued = enrollment
                .reenroll(chain == null || chain.length == 0 ? null : chain[0], csr)
                .certificate();
        return certsOnly(issued);
    }

    /** The DER of a base64 PKCS#10 body; a wrong content type is 415, bad base64 400 (both audited). */
    private byte[] csr(AuditAction action, String deviceId, String contentType, byte[] body) {
        if (contentType == null || !PKCS10.equals(mediaType(contentType))) {
            enrollment.refuse(
                    action,
                    deviceId,
                    new EnrollmentException.InvalidRequest(
                            ProblemType.UNSUPPORTED_MEDIA_TYPE,
                            "the CSR must be sent as " + PKCS10 + " (base64 of the DER)"));
        }
        byte[] der = decodeBase64(body);
        if (der == null) {
            enrollment.refuse(
                    action,
                    deviceId,
                    new EnrollmentException.InvalidRequest(
                            ProblemType.CSR_BASE64_MALFORMED,
                            "the body must be the base64 encoding of a DER PKCS#10 request"));
        }
        return der;
    }

    /** Strict base64 with line breaks allowed (RFC 2045 style); {@code null} when it is not base64 or empty. */
    static byte[] decodeBase64(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        String text = new String(body, StandardCharsets.US_ASCII).replaceAll("[\\r\\n\\t ]", "");
        try {
            byte[] der = Base64.getDecoder().decode(text);
            return der.length == 0 ? null : der;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .strip()
                .toLowerCase(Locale.ROOT);
    }

    /** {user, password} of an HTTP Basic header, or {@code null} when there is none or it is malformed. */
    static String[] basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon <= 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private Response certsOnly(X509Certificate issued) {
        return base64(CERTS_ONLY, Enrollment.certsOnly(issued)).build();
    }

    private static Response.ResponseBuilder base64(String mediaType, byte[] der) {
        String body = Base64.getMimeEncoder().encodeToString(der) + "\r\n";
        return Response.ok(body.getBytes(StandardCharsets.US_ASCII), mediaType)
                .header("Content-Transfer-Encoding", "base64");
    }

    /** Credentials were sent and refused: problem details, with the challenge so that the client may try again. */
    private static Response unauthorized(EnrollmentException e) {
        return Response.fromResponse(ProblemMapper.response(ProblemClassifier.classify(e)))
                .header("WWW-Authenticate", CHALLENGE)
                .build();
    }

    /**
     * No credentials yet: the first step of HTTP authentication (RFC 9110 11.6.1, RFC 7617), answered with the
     * challenge and an empty body ({@code Content-Length: 0}). Stock EST clients send their credentials only after
     * this 401 and some cannot take a body on it: BouncyCastle's {@code HttpAuth} closes the challenge response
     * without reading it, and its response stream refuses to close with unread content. An empty entity (not
     * none) keeps the container's error page, which would add problem details, out of it.
     */
    private static Response challenge() {
        return Response.status(Response.Status.UNAUTHORIZED)
                .entity(new byte[0])
                .header("WWW-Authenticate", CHALLENGE)
                .build();
    }
}
