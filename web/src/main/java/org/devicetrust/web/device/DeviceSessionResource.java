package org.devicetrust.web.device;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Variant;
import java.util.List;
import org.devicetrust.device.boundary.DeviceAccess;
import org.devicetrust.device.boundary.DeviceAccess.DeviceAuthentication;
import org.devicetrust.web.security.DeviceCertificateAuthentication;

/**
 * Device API: "am I in?". Answers {@code AUTH OK <device-id>} in text, or the device id, certificate serial and
 * expiry in JSON when the device asks for {@code application/json}.
 */
@Path("device/session")
public class DeviceSessionResource {

    private static final List<Variant> VARIANTS = Variant.mediaTypes(
                    MediaType.TEXT_PLAIN_TYPE, MediaType.APPLICATION_JSON_TYPE)
            .build();

    @Inject
    DeviceAccess access;

    @GET
    @Produces({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON})
    public Response session(@Context Request request, @Context HttpServletRequest servletRequest) {
        DeviceAuthentication authentication =
                (DeviceAuthentication) servletRequest.getAttribute(DeviceCertificateAuthentication.AUTHENTICATION);
        DeviceAccess.AuthorizedDevice device = access.authorize(authentication, null, "GET session");
        Variant variant = request.selectVariant(VARIANTS);
        if (variant != null && MediaType.APPLICATION_JSON_TYPE.isCompatible(variant.getMediaType())) {
            return Response.ok(
                            new DeviceSessionResponse(
                                    device.id().value(),
                                    authentication.serialHex(),
                                    authentication.notAfter(),
                                    device.status().name()),
                            MediaType.APPLICATION_JSON_TYPE)
                    .build();
        }
        return Response.ok("AUTH OK " + device.id().value() + "\n", MediaType.TEXT_PLAIN_TYPE)
                .build();
    }
}
