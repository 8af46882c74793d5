package org.devicetrust.web.device;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import org.devicetrust.device.boundary.DeviceAccess;
import org.devicetrust.device.boundary.DeviceAccess.DeviceAuthentication;
import org.devicetrust.device.boundary.DeviceAccess.TelemetryPage;
import org.devicetrust.device.entity.Telemetry;
import org.devicetrust.platform.boundary.ProblemType;
import org.devicetrust.web.problem.ProblemMapper;
import org.devicetrust.web.security.DeviceCertificateAuthentication;

/**
 * Device API: a device's own resources. The device id in the path must be the one in the client certificate
 * and the device must be ACTIVE ({@link DeviceAccess#authorize}); anything else is 403 with problem details.
 */
@Path("devices/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class DeviceResource {

    @Inject
    DeviceAccess access;

    @GET
    public DeviceRecordResponse get(@PathParam("id") String id, @Context HttpServletRequest request) {
        return DeviceRecordResponse.of(access.deviceRecord(authentication(request), id, "GET device " + id));
    }

    /** Stores one JSON object of at most 8 KiB; the body is read only up to one byte past the limit. */
    @POST
    @Path("telemetry")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response postTelemetry(
            @PathParam("id") String id, InputStream body, @Context UriInfo uri, @Context HttpServletRequest request)
            throws IOException {
        byte[] document = body == null ? new byte[0] : body.readNBytes(DeviceAccess.MAX_TELEMETRY_BYTES + 1);
        if (document.length > DeviceAccess.MAX_TELEMETRY_BYTES) {
            return ProblemMapper.problem(
                    ProblemType.TELEMETRY_TOO_LARGE,
                    "telemetry is limited to " + DeviceAccess.MAX_TELEMETRY_BYTES + " bytes");
        }
        Telemetry stored = access.recordTelemetry(authentication(request), id, document);
        TelemetryResponse response = TelemetryResponse.of(stored);
        return Response.created(uri.getAbsolutePathBuilder()
                        .path(String.valueOf(stored.id()))
                        .build())
                .entity(response)
                .build();
    }

    @GET
    @Path("telemetry")
    public TelemetryListResponse telemetry(
            @PathParam("id") String id,
            @QueryParam("limit") @DefaultValue("20") int limit,
            @Context HttpServletRequest request) {
        TelemetryPage page = access.telemetry(authentication(request), id, limit);
        return new TelemetryListResponse(
                page.total(), page.newest().stream().map(TelemetryResponse::of).toList());
    }

    private static DeviceAuthentication authentication(HttpServletRequest request) {
        return (DeviceAuthentication) request.getAttribute(DeviceCertificateAuthentication.AUTHENTICATION);
    }
}
