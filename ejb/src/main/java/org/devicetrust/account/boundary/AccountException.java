package org.devicetrust.account.boundary;

import jakarta.ejb.ApplicationException;
import org.devicetrust.platform.boundary.DeviceTrustException;
import org.devicetrust.platform.boundary.ProblemType;

/** A refused change to the administrator accounts (name or password outside the rules, name taken). */
@ApplicationException(rollback = true)
public class AccountException extends DeviceTrustException {

    private static final long serialVersionUID = 1L;

    public AccountException(ProblemType problem, String message) {
        super(problem, message);
    }
}
