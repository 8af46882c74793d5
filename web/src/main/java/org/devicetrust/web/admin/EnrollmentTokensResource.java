package org.devicetrust.web.admin;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import org.devicetrust.enrollment.boundary.Enrollment;
import org.devicetrust.web.problem.InvalidRequest;

/**
 * Admin API: one-time EST enrollment tokens. The token is in this response only (the server keeps its SHA-256);
 * a new token for a device replaces its unused ones.
 */
@Path("admin/enrollment-tokens")
@Produces(MediaType.APPLICATION_JSON)
public class EnrollmentTokensResource {

    /** {@code validityHours} is optional (default {@code devicetrust.est.token-validity-hours}, 72). */
    public record EnrollmentTokenRequest(String deviceId, Integer validityHours) {}

    /** HTTP Basic for EST simpleenroll: user = {@code deviceId}, password = {@code token}. */
    public record EnrollmentTokenResponse(String deviceId, String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "EnrollmentTokenResponse[deviceId=" + deviceId + ", expiresAt=" + expiresAt + "]";
        }
    }

    @Inject
    Enrollment enrollment;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(EnrollmentTokenRequest request) {
        if (request == null || request.deviceId() == null) {
            throw new InvalidRequest("a JSON body {\"deviceId\": ..., \"validityHours\": 72} is required");
        }
        Enrollment.NewToken token = enrollment.createToken(request.deviceId(), request.validityHours());
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.status(Response.Status.CREATED)
                .cacheControl(noStore)
                .entity(new EnrollmentTokenResponse(token.deviceId(), token.token(), token.expiresAt()))
                .build();
    }
}
