package org.devicetrust.web.admin;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.List;
import org.devicetrust.account.boundary.Administrators;
import org.devicetrust.account.entity.Administrator;
import org.devicetrust.account.entity.Role;
import org.devicetrust.web.problem.InvalidRequest;

/**
 * Admin API: administrator accounts, for automation (a second administrator who approves a release that raises
 * the security version, an operator account for a factory line). Only the {@code admin} role may call it
 * ({@code Administrators} is {@code @RolesAllowed("admin")}); the password is never answered or logged.
 */
@Path("admin/accounts")
@Produces(MediaType.APPLICATION_JSON)
public class AccountsResource {

    /** {@code role}: admin, operator or auditor. */
    public record AccountRequest(String username, String password, String role) {
        @Override
        public String toString() {
            return "AccountRequest[username=" + username + ", role=" + role + "]";
        }
    }

    public record AccountResponse(String username, String role) {
        static AccountResponse of(Administrator a) {
            return new AccountResponse(a.username(), a.role().name());
        }
    }

    @Inject
    Administrators administrators;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(AccountRequest request) {
        if (request == null || request.username() == null || request.password() == null || request.role() == null) {
            throw new InvalidRequest(
                    "a JSON body {\"username\": ..., \"password\": ..., \"role\": \"admin|operator|auditor\"} is required");
        }
        Role role;
        try {
            role = Role.valueOf(request.role());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("role must be one of " + Arrays.toString(Role.values()));
        }
        char[] password = request.password().toCharArray();
        try {
            Administrator created = administrators.create(request.username(), password, role);
            return Response.status(Response.Status.CREATED)
                    .entity(AccountResponse.of(created))
                    .build();
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    @GET
    public List<AccountResponse> list() {
        return administrators.list().stream().map(AccountResponse::of).toList();
    }
}
