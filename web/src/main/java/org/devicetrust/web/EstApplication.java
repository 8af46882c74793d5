package org.devicetrust.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;
import org.devicetrust.web.est.EstResource;
import org.devicetrust.web.est.EstTransportFilter;
import org.devicetrust.web.problem.BodyLimitFilter;
import org.devicetrust.web.problem.BodyReading;
import org.devicetrust.web.problem.ProblemMapper;

/**
 * EST (RFC 7030) at its well-known location: cacerts, csrattrs and simpleenroll authenticate (or not) in the
 * resource itself; simplereenroll is protected for devices by their client certificate in web.xml.
 */
@ApplicationPath("/.well-known/est")
public class EstApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(
                EstResource.class,
                EstTransportFilter.class,
                ProblemMapper.class,
                BodyLimitFilter.class,
                BodyReading.class);
    }
}
