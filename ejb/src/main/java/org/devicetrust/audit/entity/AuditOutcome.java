package org.devicetrust.audit.entity;

public enum AuditOutcome {
    SUCCESS,
    FAILURE
}
