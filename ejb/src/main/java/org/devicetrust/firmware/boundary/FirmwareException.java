package org.devicetrust.firmware.boundary;

import jakarta.ejb.ApplicationException;
import org.devicetrust.platform.boundary.DeviceTrustException;
import org.devicetrust.platform.boundary.ProblemType;

/** A refusal of the firmware component, named by its entry in the {@link ProblemType} catalogue. */
@ApplicationException(rollback = true)
public class FirmwareException extends DeviceTrustException {

    private static final long serialVersionUID = 1L;

    public FirmwareException(ProblemType problem, String message) {
        super(problem, message);
    }
}
