package org.devicetrust.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;
import org.devicetrust.web.admin.AuditResource;
import org.devicetrust.web.admin.CertificatesResource;
import org.devicetrust.web.admin.DevicesResource;
import org.devicetrust.web.device.DeviceAccessMetricsResource;
import org.devicetrust.web.problem.BodyLimitFilter;
import org.devicetrust.web.problem.BodyReading;
import org.devicetrust.web.problem.ProblemMapper;
import org.devicetrust.web.status.StatusResource;

/**
 * The JSON API: admin operations ({@code admin/...}, HTTP Basic) and the public status. The device API
 * ({@code device/...}, {@code devices/...}) is a plain servlet ({@code DeviceApiServlet}), mapped more
 * specifically than this application, so that device requests pass no JAX-RS machinery. Classes are listed so that each JAX-RS
 * application of this module serves only its own resources.
 */
@ApplicationPath("/api/v1")
public class ApiApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(
                org.devicetrust.web.admin.EnrollmentTokensResource.class,
                org.devicetrust.web.admin.AccountsResource.class,
                ProblemMapper.class,
                BodyLimitFilter.class,
                BodyReading.class,
                StatusResource.class,
                DevicesResource.class,
                CertificatesResource.class,
                AuditResource.class,
                org.devicetrust.web.admin.FirmwareReleasesResource.class,
                org.devicetrust.web.admin.RolloutsResource.class,
                DeviceAccessMetricsResource.class);
    }
}
