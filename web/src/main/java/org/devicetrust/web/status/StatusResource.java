package org.devicetrust.web.status;

import jakarta.annotation.Resource;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.devicetrust.platform.boundary.ProblemType;
import org.devicetrust.web.problem.ProblemMapper;

/** Public readiness check: the application is deployed and its database answers. */
@Path("status")
public class StatusResource {

    @Resource(lookup = "jdbc/devicetrust")
    DataSource dataSource;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response status() {
        try (Connection c = dataSource.getConnection()) {
            if (c.isValid(2)) {
                return Response.ok("{\"status\":\"UP\"}").build();
            }
        } catch (SQLException e) {
            // reported below without details: this endpoint is public
        }
        return ProblemMapper.problem(ProblemType.DATABASE_UNAVAILABLE, "the database does not answer");
    }
}
