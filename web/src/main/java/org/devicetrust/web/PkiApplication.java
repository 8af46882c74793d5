package org.devicetrust.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;
import org.devicetrust.web.pki.PkiResource;
import org.devicetrust.web.problem.ProblemMapper;

/** Public PKI files (CRL, CA certificates) over plain HTTP. */
@ApplicationPath("/pki")
public class PkiApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(PkiResource.class, ProblemMapper.class);
    }
}
