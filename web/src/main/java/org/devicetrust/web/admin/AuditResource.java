package org.devicetrust.web.admin;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.ChainVerification;

/** Admin API: verification of the tamper-evident audit log. */
@Path("admin/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    @Inject
    AuditLog audit;

    public record VerificationResponse(boolean intact, long checked, long firstBrokenRecord, String reason) {}

    @POST
    @Path("verification")
    public VerificationResponse verify() {
        ChainVerification v = audit.verify();
        return new VerificationResponse(v.intact(), v.checked(), v.firstBrokenSequence(), v.reason());
    }
}
