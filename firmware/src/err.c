#include "fw/err.h"

const char *fw_err_str(int err)
{
    switch (err) {
    case FW_OK: return "ok";
    case FW_ERR_BAD_ARGUMENT: return "bad argument";
    case FW_ERR_IMAGE_TRUNCATED: return "image truncated";
    case FW_ERR_MANIFEST_BAD_MAGIC: return "manifest missing";
    case FW_ERR_MANIFEST_BAD_VERSION: return "manifest format unsupported";
    case FW_ERR_MANIFEST_BAD_FIELD: return "manifest invalid";
    case FW_ERR_IMAGE_WRONG_TYPE: return "image type wrong";
    case FW_ERR_SIGBLOCK_MISSING: return "signature block missing";
    case FW_ERR_SIGBLOCK_BAD_FIELD: return "signature block invalid";
    case FW_ERR_KEY_UNTRUSTED: return "signing key untrusted";
    case FW_ERR_KEY_REVOKED: return "signing key revoked";
    case FW_ERR_MANIFEST_DIGEST_MISMATCH: return "manifest digest mismatch";
    case FW_ERR_SIGNATURE_INVALID: return "signature invalid";
    case FW_ERR_ROLLBACK: return "security version below eFuse counter";
    case FW_ERR_LOAD_ADDRESS: return "load address outside RAM window";
    case FW_ERR_IMAGE_DIGEST_MISMATCH: return "image digest mismatch";
    case FW_ERR_PTABLE_BAD_MAGIC: return "partition table missing";
    case FW_ERR_PTABLE_BAD_FIELD: return "partition table invalid";
    case FW_ERR_PTABLE_DIGEST_MISMATCH: return "partition table digest mismatch";
    case FW_ERR_PTABLE_NO_APP: return "no app partition";
    case FW_ERR_EFUSE_WRITE: return "eFuse write failed";
    case FW_ERR_EFUSE_BAD_VALUE: return "eFuse value invalid";
    case FW_ERR_CRYPTO: return "crypto failure";
    case FW_ERR_UNVERIFIED: return "not verified";
    case FW_ERR_IDENTITY_MISSING: return "identity partition empty";
    case FW_ERR_IDENTITY_INVALID: return "identity partition invalid";
    case FW_ERR_IDENTITY_DIGEST_MISMATCH: return "identity partition digest mismatch";
    case FW_ERR_BUFFER_TOO_SMALL: return "buffer too small";
    case FW_ERR_PKCS7_INVALID: return "PKCS#7 certs-only structure invalid";
    case FW_ERR_HTTP_INVALID: return "HTTP response invalid";
    case FW_ERR_HTTP_INCOMPLETE: return "HTTP response incomplete";
    case FW_ERR_FLASH_WRITE: return "flash write failed";
    case FW_ERR_IDENTITY_INCOMPLETE: return "identity partition incomplete";
    case FW_ERR_NETWORK: return "network failure";
    case FW_ERR_SERVER_UNTRUSTED: return "server certificate rejected";
    case FW_ERR_DEVICE_REFUSED: return "refused by the server";
    case FW_ERR_ENROLL_REFUSED: return "enrollment refused";
    case FW_ERR_EST_NOT_BASE64: return "EST answer is not base64";
    case FW_ERR_EST_NO_CERT: return "no certificate for this device's key";
    case FW_ERR_CERT_INVALID: return "certificate invalid";
    case FW_ERR_SESSION_MISSING: return "no TLS session stored";
    case FW_ERR_SESSION_INVALID: return "TLS session record invalid";
    case FW_ERR_SESSION_FOREIGN: return "TLS session made with another server or certificate, or expired";
    case FW_ERR_OFFER_INVALID: return "update offer invalid";
    case FW_ERR_OTADATA_MISSING: return "no boot-state record";
    case FW_ERR_OTADATA_INVALID: return "boot-state record invalid";
    case FW_ERR_OTADATA_ABORTED: return "trial boots used up";
    case FW_ERR_PROGRESS_MISSING: return "no download progress";
    case FW_ERR_PROGRESS_INVALID: return "download progress record invalid";
    case FW_ERR_UPDATE_ANSWER: return "update answer refused";
    case FW_ERR_UPDATE_WITHDRAWN: return "update withdrawn by the backend";
    case FW_ERR_UPDATE_IMAGE: return "downloaded image does not match the offer";
    default: return "unknown error";
    }
}
