package org.devicetrust.web.admin;

import java.util.List;

/** A batch issuance: up to 100 devices, each with its PKCS#10 CSR in PEM. */
public record IssuanceBatchRequest(List<Item> requests) {

    /** One device and its CSR (PEM, {@code -----BEGIN CERTIFICATE REQUEST-----}). */
    public record Item(String deviceId, String csr) {}
}
