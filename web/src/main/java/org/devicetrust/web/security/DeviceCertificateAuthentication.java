package org.devicetrust.web.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Authenticates devices by their TLS client certificate. Until the device API is complete this refuses every
 * request: device paths are deny-by-default.
 */
@ApplicationScoped
public class DeviceCertificateAuthentication {

    public static boolean appliesTo(String path) {
        return path.startsWith("/api/v1/device/") || path.startsWith("/api/v1/devices/")
                || path.equals("/.well-known/est/simplereenroll");
    }

    public AuthenticationStatus authenticate(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) {
        return context.responseUnauthorized();
    }
}
