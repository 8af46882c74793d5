package org.devicetrust.web.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;

/**
 * Security headers for the console, and a second CSRF wall in front of the Faces view state: a state-changing
 * request whose browser says it comes from another site is refused before it reaches any page.
 * <p>
 * Content-Security-Policy: Faces pages get their full policy from PrimeFaces (which adds a fresh nonce for its
 * scripts, see {@code primefaces.CSP_POLICY} in web.xml); here they get only the directives that do not
 * restrict scripts, because browsers enforce every policy sent and a nonce-less {@code script-src} would block
 * PrimeFaces. Everything else (static files, downloads) gets a strict policy without any script.
 */
@WebFilter(urlPatterns = {"/console/*", "/login.xhtml", "/jakarta.faces.resource/*", "/forbidden.html"})
public class SecurityHeadersFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    static final String FACES_PAGE_POLICY =
            "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'";
    static final String STRICT_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'"
            + " data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        boolean facesPage = request.getRequestURI().endsWith(".xhtml");
        response.setHeader("Content-Security-Policy", facesPage ? FACES_PAGE_POLICY : STRICT_POLICY);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        if (request.isSecure()) {
            response.setHeader("Strict-Transport-Security", "max-age=31536000");
        }
        if (facesPage) {
            response.setHeader("Cache-Control", "no-store");
        }
        if (!isSafeMethod(request.getMethod()) && isCrossSite(request)) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "cross-site request refused");
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean isSafeMethod(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }

    /** Fetch metadata first (sent by every current browser), the Origin header as the fallback. */
    static boolean isCrossSite(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null) {
            return !("same-origin".equals(site) || "none".equals(site));
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            int port = uri.getPort() == -1 ? ("https".equals(uri.getScheme()) ? 443 : 80) : uri.getPort();
            return !(request.getScheme().equals(uri.getScheme())
                    && request.getServerName().toLowerCase(Locale.ROOT).equals(
                            String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT))
                    && request.getServerPort() == port);
        } catch (IllegalArgumentException e) {
            return true;
        }
    }
}
