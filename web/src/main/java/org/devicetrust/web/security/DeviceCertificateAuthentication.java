package org.devicetrust.web.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.cert.X509Certificate;
import java.util.Set;
import org.devicetrust.device.boundary.DeviceAccess;
import org.devicetrust.device.boundary.DeviceAccess.DeviceAuthentication;

/**
 * Authenticates devices by their TLS client certificate on every request: the chain the container put into
 * {@code jakarta.servlet.request.X509Certificate} is checked by {@link DeviceAccess#authenticate} (our Device
 * CA, validity, clientAuth, known and not revoked in the authorization view). The caller principal becomes the
 * device id, in group {@code device}. No HTTP session: every request is decided afresh, so revocation bites at
 * once; the certificate's own checks are remembered per TLS session.
 */
@ApplicationScoped
public class DeviceCertificateAuthentication {

    /** Request attribute holding the {@link DeviceAuthentication} of an authenticated device request. */
    public static final String AUTHENTICATION = DeviceAuthentication.class.getName();

    public static final String DEVICE_GROUP = "device";
    static final String CLIENT_CHAIN = "jakarta.servlet.request.X509Certificate";
    static final String TLS_SESSION = "jakarta.servlet.request.ssl_session_id";

    @Inject
    DeviceAccess access;

    /** EST re-enrollment; the device API proper authenticates in its own servlet, without a container login. */
    public static boolean appliesTo(String path) {
        return path.equals("/.well-known/est/simplereenroll");
    }

    public AuthenticationStatus authenticate(
            HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
        Object attribute = request.getAttribute(CLIENT_CHAIN);
        X509Certificate[] chain = attribute instanceof X509Certificate[] certificates ? certificates : null;
        String resource = request.getMethod() + " " + request.getRequestURI();
        try {
            Object session = request.getAttribute(TLS_SESSION);
            DeviceAuthentication device =
                    access.authenticate(chain, session instanceof String id ? id : null, resource);
            request.setAttribute(AUTHENTICATION, device);
            return context.notifyContainerAboutLogin(device.deviceId(), Set.of(DEVICE_GROUP));
        } catch (RuntimeException refused) {
            // a refusal (401, 403) or a failure behind it (503 when the database is down): problem details
            // from the classifier either way, never the container's empty error page
            return Problems.writeFailure(response, refused)
                    ? AuthenticationStatus.SEND_FAILURE
                    : context.responseUnauthorized();
        }
    }
}
