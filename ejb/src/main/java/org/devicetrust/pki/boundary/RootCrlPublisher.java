package org.devicetrust.pki.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.security.PermitAll;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.pki.control.CaCredential;
import org.devicetrust.pki.control.CaKeyStore;
import org.devicetrust.pki.control.KeyStorePasswords;
import org.devicetrust.pki.control.Pem;
import org.devicetrust.pki.control.Pkcs12CaKeyStore;
import org.devicetrust.pki.control.RootCrl;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes the root CA's CRL ({@link RootCrl}): at start-up and every hour it re-signs the CRL once half of its
 * validity has passed, and it serves the current one for {@code /pki/crl/root-ca.crl}. The root key is read from
 * the CA key store only for that signature and is not kept; the Device CA's key holder ({@link DeviceCa}) never
 * loads it.
 */
@Singleton
@Startup
@DependsOn("DeviceCa")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class RootCrlPublisher {

    private static final Logger LOG = Logger.getLogger(RootCrlPublisher.class.getName());

    @EJB
    DeviceCa deviceCa;

    @EJB
    AuditLog auditLog;

    @Inject
    Clock clock;

    /** The same CA key store password as {@link DeviceCa}'s. Never logged. */
    @Inject
    @ConfigProperty(name = "devicetrust.pki.password")
    Optional<String> password;

    @PostConstruct
    void start() {
        publishIfDue();
    }

    @Schedule(hour = "*", minute = "7", persistent = false)
    void publishIfDue() {
        try {
            Optional<BigInteger> published =
                    rootCrl().publishIfDue(deviceCa.layout().rootCrlFile(), root());
            published.ifPresent(number -> auditLog.record(
                    DeviceCa.SYSTEM_ACTOR,
                    AuditAction.CRL_PUBLISHED,
                    "root-ca",
                    AuditOutcome.SUCCESS,
                    "root CRL " + number + ", next update in " + RootCrl.VALIDITY.toDays() + " days"));
        } catch (IOException | RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "DeviceTrust root CRL publication failed; next attempt within an hour: {0}",
                    e.getMessage());
        }
    }

    /** The current root CRL (DER), when one signed by the root is published. Public. */
    @PermitAll
    public Optional<byte[]> currentCrl() {
        return rootCrl()
                .der(
                        deviceCa.layout().rootCrlFile(),
                        deviceCa.chain().get(deviceCa.chain().size() - 1));
    }

    /** The same in PEM. Public. */
    @PermitAll
    public Optional<String> currentCrlPem() {
        return currentCrl().map(der -> Pem.encode(Pem.X509_CRL, der));
    }

    private RootCrl rootCrl() {
        return new RootCrl(deviceCa.provider(), clock);
    }

    private CaCredential root() {
        if (deviceCa.keyStore() instanceof org.devicetrust.pki.control.Pkcs11CaKeyStore token) {
            return token.credential(CaKeyStore.ROOT_CA);
        }
        char[] secret = KeyStorePasswords.resolve(password, deviceCa.layout().caPasswordFile(), false, null);
        return Pkcs12CaKeyStore.open(deviceCa.layout().caKeyStore(), secret, deviceCa.provider())
                .credential(CaKeyStore.ROOT_CA);
    }
}
