package org.devicetrust.pki.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.pki.control.CaCredential;
import org.devicetrust.pki.control.CaKeyStore;
import org.devicetrust.pki.control.CrlFile;
import org.devicetrust.pki.control.KeyStorePasswords;
import org.devicetrust.pki.control.KeyStoreUnavailableException;
import org.devicetrust.pki.control.Pkcs11CaKeyStore;
import org.devicetrust.pki.control.Pkcs11Settings;
import org.devicetrust.pki.control.Pkcs12CaKeyStore;
import org.devicetrust.pki.control.PkiBootstrap;
import org.devicetrust.pki.control.PkiLayout;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The key holder of the Device Issuing CA: keys loaded once at start-up from the key store in the data
 * directory (bootstrapped there first if it does not exist yet) and the CA's settings. It calls no other bean of
 * the CA ({@link CertificateIssuance}, {@link CertificateRevocation}, {@link CrlPublisher} and
 * {@link CertificateQueries} call it), and it is internal to the pki component: other components see the CA
 * certificates through {@link CertificateQueries}. Only the Device CA key is loaded; the root key stays in the
 * key store.
 *
 * <p>With {@code devicetrust.pki.pkcs11.library} set, the CA keys live in that PKCS#11 token instead of the
 * PKCS#12 file: bootstrapped into it when it holds none (or, when the data directory still has the PKCS#12 file,
 * imported from it), and looked up in it on each use, so a token that goes away answers 503 (ca-unavailable)
 * until it is back. There is never a fallback to a key file.
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class DeviceCa {

    private static final Logger LOG = Logger.getLogger(DeviceCa.class.getName());
    static final String SYSTEM_ACTOR = "system";

    @Inject
    @ConfigProperty(name = "devicetrust.data-dir")
    String dataDir;

    @Inject
    @ConfigProperty(name = "devicetrust.pki.crl-url", defaultValue = "http://localhost:8080/pki/crl/device-ca.crl")
    String crlUrl;

    @Inject
    @ConfigProperty(name = "devicetrust.pki.device-validity-days", defaultValue = "365")
    int deviceValidityDays;

    @Inject
    @ConfigProperty(name = "devicetrust.pki.crl-validity-hours", defaultValue = "24")
    int crlValidityHours;

    /** Environment {@code DEVICETRUST_PKI_PASSWORD}; else {@code secrets/pki-keystore.pass}. Never logged. */
    @Inject
    @ConfigProperty(name = "devicetrust.pki.password")
    Optional<String> password;

    /** The PKCS#11 module (shared library) holding the CA keys; unset = the PKCS#12 file. */
    @Inject
    @ConfigProperty(name = "devicetrust.pki.pkcs11.library")
    Optional<String> pkcs11Library;

    /** The token's slot id ... */
    @Inject
    @ConfigProperty(name = "devicetrust.pki.pkcs11.slot")
    Optional<Long> pkcs11Slot;

    /** ... or its index in the module's list of slots with a token (default 0 when neither slot nor label is set). */
    @Inject
    @ConfigProperty(name = "devicetrust.pki.pkcs11.slot-list-index")
    Optional<Integer> pkcs11SlotListIndex;

    /**
     * ... or its label, resolved to its slot at start; with a slot or slot list index as well, both must name the
     * same token.
     */
    @Inject
    @ConfigProperty(name = "devicetrust.pki.pkcs11.token-label")
    Optional<String> pkcs11TokenLabel;

    /** The user PIN (from a password alias or the environment). Never logged. */
    @Inject
    @ConfigProperty(name = "devicetrust.pki.pkcs11.pin")
    Optional<String> pkcs11Pin;

    /** A file holding the user PIN, readable by its owner only. */
    @Inject
    @ConfigProperty(name = "devicetrust.pki.pkcs11.pin-file")
    Optional<String> pkcs11PinFile;

    @EJB
    AuditLog auditLog;

    @Inject
    Provider provider;

    @Inject
    SecureRandom random;

    @Inject
    Clock clock;

    private volatile PkiLayout layout;
    private volatile CaCredential credential;
    private volatile String issuerDn;
    private volatile URI crlUri;
    private volatile long crlNumberFloor;
    private volatile CaKeyStore keyStore;

    @PostConstruct
    void start() {
        if (deviceValidityDays < 1 || deviceValidityDays > 3650) {
            throw fail("devicetrust.pki.device-validity-days must be between 1 and 3650");
        }
        if (crlValidityHours < 1 || crlValidityHours > 24 * 31) {
            throw fail("devicetrust.pki.crl-validity-hours must be between 1 and 744");
        }
        try {
            crlUri = URI.create(crlUrl);
        } catch (IllegalArgumentException e) {
            throw fail("devicetrust.pki.crl-url is not a URL");
        }
        PkiLayout candidate = new PkiLayout(Path.of(dataDir));
        try {
            if (pkcs11Library.isPresent() && !pkcs11Library.get().isBlank()) {
                Pkcs11CaKeyStore token = openToken(candidate);
                credential = token.credential(CaKeyStore.DEVICE_CA);
                keyStore = token;
            } else {
                openFile(candidate);
            }
        } catch (KeyStoreUnavailableException e) {
            throw fail("cannot load the CA key store: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw fail("cannot bootstrap the PKI: " + e.getMessage());
        }
        layout = candidate;
        issuerDn = IssuedCertificate.canonicalDn(credential.certificate().getSubjectX500Principal());
        crlNumberFloor = CrlFile.number(candidate.crlFile());
        if (crlNumberFloor == 0 && Files.exists(candidate.crlFile())) {
            LOG.warning(() -> "DeviceTrust ignores the unreadable CRL file " + candidate.crlFile());
        }
        LOG.info(() -> "DeviceTrust Device CA loaded: " + issuerDn + " (CRL file " + candidate.crlFile() + ")");
    }

    private void openFile(PkiLayout candidate) {
        if (!Files.exists(candidate.caKeyStore())) {
            PkiBootstrap.Result result =
                    new PkiBootstrap(provider, random, clock).run(candidate, password, List.of(), crlUri);
            LOG.info(() -> "DeviceTrust PKI bootstrapped in " + candidate.dataDir() + "; root CA SHA-256 "
                    + result.rootFingerprint());
            auditLog.record(
                    SYSTEM_ACTOR,
                    AuditAction.PKI_BOOTSTRAPPED,
                    "device-ca",
                    AuditOutcome.SUCCESS,
                    String.join("; ", result.changes()));
        }
        char[] secret = KeyStorePasswords.resolve(password, candidate.caPasswordFile(), false, null);
        CaKeyStore store = Pkcs12CaKeyStore.open(candidate.caKeyStore(), secret, provider);
        credential = store.credential(CaKeyStore.DEVICE_CA);
        keyStore = store;
    }

    /**
     * Opens the token; a token without a PKI gets one: the keys of the PKCS#12 file when the data directory
     * still has it (a migration), else new keys generated in the token.
     */
    private Pkcs11CaKeyStore openToken(PkiLayout candidate) {
        Pkcs11Settings settings =
                Pkcs11Settings.of(Path.of(pkcs11Library.get()), pkcs11Slot, pkcs11SlotListIndex, pkcs11TokenLabel);
        char[] pin = KeyStorePasswords.pin(pkcs11Pin, pkcs11PinFile.map(Path::of));
        Pkcs11CaKeyStore token = Pkcs11CaKeyStore.open(settings, pin);
        if (token.contains(CaKeyStore.DEVICE_CA)) {
            return token; // with or without the root, which may be kept offline
        }
        if (Files.exists(candidate.caKeyStore())) {
            String detail = "import of " + candidate.relative(candidate.caKeyStore()) + " into " + settings.describe();
            try {
                char[] secret = KeyStorePasswords.resolve(password, candidate.caPasswordFile(), false, null);
                Pkcs12CaKeyStore file = Pkcs12CaKeyStore.open(candidate.caKeyStore(), secret, provider);
                List<String> copied = token.importFrom(
                        file,
                        List.of(
                                CaKeyStore.ROOT_CA,
                                CaKeyStore.DEVICE_CA,
                                CaKeyStore.FIRMWARE_SIGNING,
                                CaKeyStore.OCSP_SIGNER));
                auditLog.record(
                        SYSTEM_ACTOR,
                        AuditAction.PKI_BOOTSTRAPPED,
                        "device-ca",
                        AuditOutcome.SUCCESS,
                        detail + ": " + String.join(", ", copied));
            } catch (KeyStoreUnavailableException e) {
                auditLog.record(
                        SYSTEM_ACTOR,
                        AuditAction.PKI_BOOTSTRAPPED,
                        "device-ca",
                        AuditOutcome.FAILURE,
                        detail + ": " + e.getMessage());
                throw e;
            }
            LOG.warning(() -> "DeviceTrust imported the CA keys of " + candidate.caKeyStore() + " into "
                    + settings.describe() + "; the file still holds them: move it to offline storage or destroy it");
        } else {
            try {
                PkiBootstrap.Result result =
                        new PkiBootstrap(provider, random, clock).runInToken(candidate, token, List.of(), crlUri);
                LOG.info(() -> "DeviceTrust PKI bootstrapped in " + settings.describe() + " (files in "
                        + candidate.dataDir() + "); root CA SHA-256 " + result.rootFingerprint());
                auditLog.record(
                        SYSTEM_ACTOR,
                        AuditAction.PKI_BOOTSTRAPPED,
                        "device-ca",
                        AuditOutcome.SUCCESS,
                        String.join("; ", result.changes()));
            } catch (KeyStoreUnavailableException e) {
                auditLog.record(
                        SYSTEM_ACTOR,
                        AuditAction.PKI_BOOTSTRAPPED,
                        "device-ca",
                        AuditOutcome.FAILURE,
                        "bootstrap into " + settings.describe() + ": " + e.getMessage());
                throw e;
            }
        }
        return token;
    }

    /**
     * Logs one clear line and stops the deployment. The exception carries no stack trace of its own; the
     * server may still print its own frames around it.
     */
    private PkiException.CaUnavailable fail(String reason) {
        String line = "DeviceTrust PKI cannot start: " + reason;
        LOG.log(Level.SEVERE, line);
        return new PkiException.CaUnavailable(line);
    }

    /**
     * The Device CA key. A key in a token is looked up there on each call, so a token that is back is used again.
     *
     * @throws PkiException.CaUnavailable ca-unavailable (503) when the token cannot be used
     */
    public CaCredential credential() {
        if (keyStore instanceof Pkcs11CaKeyStore token) {
            try {
                return token.credential(CaKeyStore.DEVICE_CA);
            } catch (KeyStoreUnavailableException e) {
                throw unavailable(e);
            }
        }
        return credential;
    }

    /** A key store failure at run time: one log line, and the 503 the caller throws. */
    public PkiException.CaUnavailable unavailable(KeyStoreUnavailableException e) {
        String line = "DeviceTrust CA key store unavailable: " + e.getMessage();
        LOG.log(Level.SEVERE, line);
        return new PkiException.CaUnavailable(line);
    }

    public Provider provider() {
        return provider;
    }

    /** The Device CA's subject in the form stored with each certificate. */
    public String issuerDn() {
        return issuerDn;
    }

    public X509Certificate certificate() {
        return credential.certificate();
    }

    /** Device CA, then root. */
    public List<X509Certificate> chain() {
        return credential.chain();
    }

    public URI crlUrl() {
        return crlUri;
    }

    public Duration deviceValidity() {
        return Duration.ofDays(deviceValidityDays);
    }

    public Duration crlValidity() {
        return Duration.ofHours(crlValidityHours);
    }

    /** A CRL number already used outside the database (the file written at bootstrap). */
    public long crlNumberFloor() {
        return crlNumberFloor;
    }

    /** The CA key store, for the keys the CA keeps renewing itself (the OCSP signer). */
    public CaKeyStore keyStore() {
        return keyStore;
    }

    public PkiLayout layout() {
        return layout;
    }
}
