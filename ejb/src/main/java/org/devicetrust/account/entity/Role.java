package org.devicetrust.account.entity;

/** Console and admin API roles. The names are the Jakarta Security groups (and role names). */
public enum Role {
    /** Everything, including accounts. */
    admin,
    /** Devices, issuance, suspension, revocation. */
    operator,
    /** Read-only, including the audit log. */
    auditor
}
