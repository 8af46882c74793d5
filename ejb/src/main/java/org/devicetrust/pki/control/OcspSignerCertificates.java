package org.devicetrust.pki.control;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * The delegated OCSP signing certificate (RFC 6960 4.2.2.2): issued by the Device CA to a fresh P-256 key, EKU
 * id-kp-OCSPSigning only, KU digitalSignature, id-pkix-ocsp-nocheck (relying parties do not ask for the status
 * of the responder's own certificate, which is why its validity is short), AKI/SKI. Pure: keys and a clock in,
 * a credential verified against the Device CA key out.
 */
public final class OcspSignerCertificates {

    public static final X500Name OCSP_SIGNER_NAME = new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "DeviceTrust")
            .addRDN(BCStyle.CN, "DeviceTrust Device CA OCSP Signer")
            .build();

    private final Provider provider;
    private final SecureRandom random;
    private final Clock clock;

    public OcspSignerCertificates(Provider provider, SecureRandom random, Clock clock) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A new key and certificate valid for {@code validity} (cut at the Device CA's own expiry). */
    public CaCredential issue(CaCredential deviceCa, Duration validity) {
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive");
        }
        KeyPair keys = keyPair();
        Instant notBefore = clock.instant().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5));
        Instant notAfter = notBefore.plus(validity).plus(Duration.ofMinutes(5));
        Instant caNotAfter = deviceCa.certificate().getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter;
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalStateException("the Device CA certificate has expired");
        }
        X500Name issuer = X500Name.getInstance(
                deviceCa.certificate().getSubjectX500Principal().getEncoded());
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                issuer,
                SerialNumbers.next(random),
                Date.from(notBefore),
                Date.from(notAfter),
                OCSP_SIGNER_NAME,
                keys.getPublic());
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(
                    Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
            builder.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            builder.addExtension(
                    Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(deviceCa.publicKey()));
        } catch (Exception e) {
            throw new IllegalStateException("OCSP signer extensions cannot be encoded", e);
        }
        X509CertificateHolder holder = builder.build(CertificateFactory.signer(deviceCa, provider));
        SelfCheck.certificate(holder, deviceCa.publicKey(), issuer, provider);
        try {
            X509Certificate certificate =
                    new JcaX509CertificateConverter().setProvider(provider).getCertificate(holder);
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(certificate);
            chain.addAll(deviceCa.chain());
            return new CaCredential(certificate, keys.getPrivate(), chain);
        } catch (CertificateException e) {
            throw new IllegalStateException("signed certificate cannot be decoded", e);
        }
    }

    /** Renewal is due when less than half the validity is left (or the certificate is not valid yet). */
    public static boolean renewalDue(X509Certificate signer, Instant now) {
        Instant notBefore = signer.getNotBefore().toInstant();
        Instant notAfter = signer.getNotAfter().toInstant();
        Instant half = notBefore.plus(Duration.between(notBefore, notAfter).dividedBy(2));
        return now.isBefore(notBefore) || !now.isBefore(half);
    }

    /** True when {@code candidate} is a delegated OCSP signer issued by {@code deviceCa}. */
    public static boolean isOcspSignerOf(X509Certificate candidate, X509Certificate deviceCa, Provider provider) {
        try {
            candidate.verify(deviceCa.getPublicKey(), provider);
            List<String> eku = candidate.getExtendedKeyUsage();
            return eku != null && eku.contains(KeyPurposeId.id_kp_OCSPSigning.getId());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 key generation is unavailable", e);
        }
    }
}
