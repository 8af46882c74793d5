package org.devicetrust.pki.control;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The PKI files under a data directory. Other parts of DeviceTrust (launcher, server configuration, firmware
 * tools) rely on these exact names.
 *
 * <pre>
 * DATA/pki/devicetrust-ca.p12        root-ca, device-ca, firmware-signing (keys + chains)   0600
 * DATA/pki/server-keystore.p12       devicetrust-server (TLS key + chain server, root)     0600
 * DATA/pki/device-truststore.p12     device-ca (trusted certificate only)                  0600
 * DATA/pki/root-ca.pem, device-ca.pem, ca-chain.pem (device CA, then root), firmware-signing.pem
 * DATA/pki/crl/device-ca.crl         current device CRL, PEM, replaced atomically
 * DATA/pki/crl/root-ca.crl           current root CRL (what the root signs), PEM, replaced atomically
 * DATA/secrets/pki-keystore.pass     CA key store password (unless DEVICETRUST_PKI_PASSWORD)  dir 0700, 0600
 * DATA/secrets/tls-keystore.pass     password of server-keystore.p12 and device-truststore.p12   0600
 * </pre>
 */
public record PkiLayout(Path dataDir) {

    public static final String SERVER_ALIAS = "devicetrust-server";
    public static final String TRUSTED_DEVICE_CA_ALIAS = "device-ca";

    public PkiLayout {
        Objects.requireNonNull(dataDir, "dataDir");
        dataDir = dataDir.toAbsolutePath().normalize();
    }

    public Path pkiDir() {
        return dataDir.resolve("pki");
    }

    public Path caKeyStore() {
        return pkiDir().resolve("devicetrust-ca.p12");
    }

    public Path serverKeyStore() {
        return pkiDir().resolve("server-keystore.p12");
    }

    public Path deviceTrustStore() {
        return pkiDir().resolve("device-truststore.p12");
    }

    public Path rootCaPem() {
        return pkiDir().resolve("root-ca.pem");
    }

    public Path deviceCaPem() {
        return pkiDir().resolve("device-ca.pem");
    }

    public Path caChainPem() {
        return pkiDir().resolve("ca-chain.pem");
    }

    public Path firmwareSigningPem() {
        return pkiDir().resolve("firmware-signing.pem");
    }

    public Path crlDir() {
        return pkiDir().resolve("crl");
    }

    public Path crlFile() {
        return crlDir().resolve("device-ca.crl");
    }

    public Path rootCrlFile() {
        return crlDir().resolve("root-ca.crl");
    }

    public Path secretsDir() {
        return dataDir.resolve("secrets");
    }

    public Path caPasswordFile() {
        return secretsDir().resolve("pki-keystore.pass");
    }

    public Path tlsPasswordFile() {
        return secretsDir().resolve("tls-keystore.pass");
    }

    /** A path relative to the data directory, for messages. */
    public String relative(Path path) {
        return dataDir.relativize(path).toString();
    }
}
