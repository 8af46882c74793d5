package org.devicetrust.audit.entity;

/** What was attempted. Both success and failure of each action are recorded. */
public enum AuditAction {
    DEVICE_REGISTERED,
    DEVICE_STATUS_CHANGED,
    CERTIFICATE_ISSUED,
    /** A device key pair generated on the server for factory provisioning (handed out once as PKCS#12). */
    FACTORY_KEY_GENERATED,
    CERTIFICATE_REVOKED,
    CRL_PUBLISHED,
    DEVICE_ACCESS,
    ENROLLMENT_TOKEN_CREATED,
    EST_ENROLL,
    EST_REENROLL,
    ADMIN_LOGIN,
    ADMIN_LOGOUT,
    ADMIN_ACCOUNT_CREATED,
    AUDIT_VERIFIED,
    /** A delegated OCSP signing certificate issued (at start-up or renewal before it expires). */
    OCSP_SIGNER_ISSUED,
    PKI_BOOTSTRAPPED,
    /** A firmware release created: signed with the backend's key, or signed elsewhere and verified. */
    FIRMWARE_RELEASE_CREATED,
    /** A firmware release approved for rollouts (by a second administrator when it raises the security version). */
    FIRMWARE_RELEASE_APPROVED,
    FIRMWARE_RELEASE_REVOKED,
    ROLLOUT_CREATED,
    ROLLOUT_STARTED,
    /** Paused by an administrator, or by the error threshold in the transaction of the report that crossed it. */
    ROLLOUT_PAUSED,
    ROLLOUT_RESUMED,
    ROLLOUT_STOPPED,
    ROLLOUT_FINISHED,
    /** A device was offered an update (its execution moved from QUEUED to OFFERED). */
    UPDATE_OFFERED,
    UPDATE_STATUS_REPORTED,
    /** No terminal report within the rollout's action timeout after the offer. */
    UPDATE_TIMED_OUT
}
