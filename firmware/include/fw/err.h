/* DeviceTrust firmware: error codes shared by every module of the security core. */
#ifndef FW_ERR_H
#define FW_ERR_H

/*
 * 0 is success; every failure is a distinct negative value so that a boot
 * verdict maps one-to-one onto a log line and a QEMU exit code
 * (see firmware/docs/formats.md, "Verdicts and exit codes").
 */
typedef enum {
    FW_OK = 0,
    FW_ERR_BAD_ARGUMENT = -1,
    FW_ERR_IMAGE_TRUNCATED = -2,
    FW_ERR_MANIFEST_BAD_MAGIC = -3,
    FW_ERR_MANIFEST_BAD_VERSION = -4,
    FW_ERR_MANIFEST_BAD_FIELD = -5,
    FW_ERR_IMAGE_WRONG_TYPE = -6,
    FW_ERR_SIGBLOCK_MISSING = -7,
    FW_ERR_SIGBLOCK_BAD_FIELD = -8,
    FW_ERR_KEY_UNTRUSTED = -9,
    FW_ERR_KEY_REVOKED = -10,
    FW_ERR_MANIFEST_DIGEST_MISMATCH = -11,
    FW_ERR_SIGNATURE_INVALID = -12,
    FW_ERR_ROLLBACK = -13,
    FW_ERR_LOAD_ADDRESS = -14,
    FW_ERR_IMAGE_DIGEST_MISMATCH = -15,
    FW_ERR_PTABLE_BAD_MAGIC = -16,
    FW_ERR_PTABLE_BAD_FIELD = -17,
    FW_ERR_PTABLE_DIGEST_MISMATCH = -18,
    FW_ERR_PTABLE_NO_APP = -19,
    FW_ERR_EFUSE_WRITE = -20,
    FW_ERR_EFUSE_BAD_VALUE = -21,
    FW_ERR_CRYPTO = -22,
    FW_ERR_UNVERIFIED = -23,
    FW_ERR_IDENTITY_MISSING = -24,
    FW_ERR_IDENTITY_INVALID = -25,
    FW_ERR_IDENTITY_DIGEST_MISMATCH = -26,
    FW_ERR_BUFFER_TOO_SMALL = -27,
    FW_ERR_PKCS7_INVALID = -28,
    FW_ERR_HTTP_INVALID = -29,
    FW_ERR_HTTP_INCOMPLETE = -30,
    FW_ERR_FLASH_WRITE = -31,         /* erase, program or read-back of a flash sector failed */
    FW_ERR_IDENTITY_INCOMPLETE = -32, /* a field the job needs is absent */
    FW_ERR_NETWORK = -33,             /* timeout, closed link, failed handshake */
    FW_ERR_SERVER_UNTRUSTED = -34,    /* the device rejected the server's certificate */
    FW_ERR_DEVICE_REFUSED = -35,      /* the server refused this device (alert, HTTP 401/403) */
    FW_ERR_ENROLL_REFUSED = -36,      /* EST answered 401/403 */
    FW_ERR_EST_NOT_BASE64 = -37,
    FW_ERR_EST_NO_CERT = -38,      /* no certificate in the EST answer carries the device's key */
    FW_ERR_CERT_INVALID = -39,     /* a certificate's DER structure is unusable */
    FW_ERR_SESSION_MISSING = -40,  /* no TLS session record stored (erased or never written) */
    FW_ERR_SESSION_INVALID = -41,  /* the TLS session record is damaged */
    FW_ERR_SESSION_FOREIGN = -42,  /* the stored session belongs to another server, certificate or time */
    FW_ERR_OFFER_INVALID = -43,    /* an update offer's header, sizes or lengths do not add up */
    FW_ERR_OTADATA_MISSING = -44,  /* no boot-state record copy (a fresh device) */
    FW_ERR_OTADATA_INVALID = -45,  /* a boot-state record copy is torn, damaged or breaks its rules */
    FW_ERR_OTADATA_ABORTED = -46,  /* the pending slot used up its trial boots without a confirmation */
    FW_ERR_PROGRESS_MISSING = -47, /* no download progress for this update: start from byte 0 */
    FW_ERR_PROGRESS_INVALID = -48, /* the download progress record is damaged or breaks its rules */
    FW_ERR_UPDATE_ANSWER = -49,    /* an update answer the device refuses (status, Content-Range, length) */
    FW_ERR_UPDATE_WITHDRAWN = -50, /* the backend withdrew the update (410): the device abandons it */
    FW_ERR_UPDATE_IMAGE = -51,     /* the downloaded slot does not match the verified offer */
} fw_err_t;

#define FW_ERR_COUNT 52

/* Short, stable, human-readable description ("signature invalid"). Never NULL. */
const char *fw_err_str(int err);

#endif /* FW_ERR_H */
