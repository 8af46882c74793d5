package org.devicetrust.web.problem;

import org.devicetrust.platform.boundary.DeviceTrustException;
import org.devicetrust.platform.boundary.ProblemType;

/** A request the web layer itself refuses before any boundary is asked (missing body, unknown parameter value). */
public class InvalidRequest extends DeviceTrustException {

    private static final long serialVersionUID = 1L;

    public InvalidRequest(String message) {
        this(ProblemType.INVALID_REQUEST, message);
    }

    public InvalidRequest(ProblemType problem, String message) {
        super(problem, message);
    }
}
