package org.devicetrust.web.pki;

import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.Locale;
import org.devicetrust.pki.boundary.OcspResponder;
import org.devicetrust.web.problem.BodyLimitFilter;

/**
 * The OCSP responder over HTTP on a plain servlet, no JAX-RS: the AIA OCSP location of every device certificate
 * ({@code /pki/ocsp}), POST with the DER request as the body (RFC 6960 A.1) or GET with its base64 as the rest of
 * the path (RFC 5019 5). A pre-produced response comes out of {@link OcspResponder}'s cache as it is: its bytes
 * and its RFC 5019 6.2 caching headers were made once, when it was signed. Every answer is an OCSP response with
 * status 200 (malformedRequest, unauthorized and the rest are OCSP statuses, never an HTTP error); public, so no
 * authentication.
 */
@WebServlet(
        name = "Ocsp",
        urlPatterns = {OcspServlet.PATH, OcspServlet.PATH + "/*"})
public class OcspServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String PATH = "/pki/ocsp";
    public static final String OCSP_REQUEST = "application/ocsp-request";
    public static final String OCSP_RESPONSE = "application/ocsp-response";
    /**
     * How long HTTP caches may keep a pre-produced OCSP response (RFC 5019 6.2), at most until its nextUpdate:
     * short, because a cache in between does not hear of a revocation. A cached response is served only until
     * half its validity (at least 30 s of a minimum one-minute validity) is left, so this always fits.
     */
    static final long OCSP_MAX_AGE_SECONDS = 60;

    private static final String CACHEABLE = "public, no-transform, must-revalidate";
    private static final byte[] NO_REQUEST = new byte[0];

    @EJB
    transient OcspResponder ocsp;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String contentType = request.getContentType();
        if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith(OCSP_REQUEST)) {
            answer(NO_REQUEST, response);
            return;
        }
        if (request.getContentLengthLong() > BodyLimitFilter.LIMIT) {
            answer(NO_REQUEST, response);
            return;
        }
        InputStream body = request.getInputStream();
        byte[] der = body.readNBytes(OcspResponder.MAX_REQUEST_BYTES + 1);
        if (der.length > OcspResponder.MAX_REQUEST_BYTES) {
            // Read the rest up to the body limit before answering: a server that answers and closes while the
            // client is still sending makes the client see a reset connection instead of malformedRequest.
            try {
                long left = BodyLimitFilter.LIMIT - der.length;
                byte[] sink = new byte[8192];
                int n;
                while (left > 0 && (n = body.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
                    left -= n;
                }
            } catch (IOException | RuntimeException e) {
                // cut off: the answer below is all the client gets either way
            }
            der = NO_REQUEST;
        }
        answer(der, response);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // the raw (still URL-encoded) path after /pki/ocsp/, as RFC 5019 5 has clients send it
        String uri = request.getRequestURI();
        int at = uri.indexOf(PATH + "/");
        String encoded = at < 0 ? "" : uri.substring(at + PATH.length() + 1);
        if (encoded.isEmpty() || encoded.length() > OcspResponder.MAX_REQUEST_BYTES * 3) {
            answer(NO_REQUEST, response);
            return;
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(percentDecoded(encoded).trim());
        } catch (IllegalArgumentException e) {
            der = NO_REQUEST;
        }
        answer(der, response);
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        doGet(request, response);
    }

    private void answer(byte[] request, HttpServletResponse response) throws IOException {
        OcspResponder.Answer answer = ocsp.respond(request);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(OCSP_RESPONSE);
        response.setContentLength(answer.length());
        if (answer.cacheable()) {
            response.setHeader("Cache-Control", "max-age=" + maxAge(answer) + ", " + CACHEABLE);
            response.setHeader("Last-Modified", answer.httpLastModified());
            response.setHeader("Expires", answer.httpExpires());
            response.setHeader("ETag", answer.etag());
        } else {
            response.setHeader("Cache-Control", "no-store");
        }
        answer.writeTo(response.getOutputStream());
    }

    private static long maxAge(OcspResponder.Answer answer) {
        long left = answer.nextUpdate().getEpochSecond() - System.currentTimeMillis() / 1000;
        return Math.max(0, Math.min(OCSP_MAX_AGE_SECONDS, left));
    }

    /** %XX decoding of a path segment ('+' stays '+': it is base64, not a form field). */
    static String percentDecoded(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) {
                    throw new IllegalArgumentException("truncated percent escape");
                }
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad percent escape");
                }
                out.append((char) (hi * 16 + lo));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
