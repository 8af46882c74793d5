package org.devicetrust.web.device;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.devicetrust.device.boundary.AccessCounters;
import org.devicetrust.device.boundary.DeviceAccess;
import org.devicetrust.device.entity.AccessReason;

/**
 * Admin API: device access decisions counted by reason on this server instance since it started, and the
 * recent decision times (authentication: certificate check and revocation lookup; authorization: registry
 * lookup and comparison; audit writes excluded).
 */
@Path("admin/device-access/metrics")
@Produces(MediaType.APPLICATION_JSON)
public class DeviceAccessMetricsResource {

    /** Counts by problem type ({@code allowed} for allowed requests) and decision-time percentiles. */
    public record DeviceAccessMetricsResponse(
            Map<String, Long> decisions,
            AccessCounters.Percentiles authentication,
            AccessCounters.Percentiles authorization) {}

    @Inject
    DeviceAccess access;

    @GET
    public DeviceAccessMetricsResponse metrics() {
        AccessCounters counters = access.counters();
        Map<String, Long> decisions = new LinkedHashMap<>();
        counters.counts().forEach((AccessReason reason, Long count) -> decisions.put(reason.problemType(), count));
        return new DeviceAccessMetricsResponse(
                decisions, counters.authenticationTimes(), counters.authorizationTimes());
    }

    /** Forgets the decision-time samples (counts stay), so a benchmark can measure one phase. */
    @DELETE
    @Path("times")
    public Response resetTimes() {
        access.counters().resetTimes();
        return Response.noContent().build();
    }
}
