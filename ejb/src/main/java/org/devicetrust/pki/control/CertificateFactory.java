package org.devicetrust.pki.control;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.devicetrust.platform.entity.DeviceId;

/**
 * Builds and signs the certificates of the DeviceTrust hierarchy, one method per profile. Pure: keys, names and
 * a clock in, a verified certificate out (each one is checked against the issuer key before it is returned).
 */
public final class CertificateFactory {

    public static final X500Name ROOT_CA_NAME = name("DeviceTrust Root CA");
    public static final X500Name DEVICE_CA_NAME = name("DeviceTrust Device Issuing CA");
    public static final X500Name FIRMWARE_SIGNING_NAME = name("DeviceTrust Firmware Signing");
    public static final Duration ROOT_CA_VALIDITY = Duration.ofDays(20 * 365 + 5);
    public static final Duration DEVICE_CA_VALIDITY = Duration.ofDays(10 * 365 + 2);
    public static final Duration FIRMWARE_SIGNING_VALIDITY = Duration.ofDays(10 * 365 + 2);
    /** The longest validity browsers accept for a server certificate. */
    public static final Duration TLS_SERVER_VALIDITY = Duration.ofDays(397);

    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*");

    private final Provider provider;
    private final SecureRandom random;
    private final Clock clock;
    private final JcaX509ExtensionUtils extensionUtils;

    public CertificateFactory(Provider provider, SecureRandom random, Clock clock) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            this.extensionUtils = new JcaX509ExtensionUtils();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 for key identifiers is required by the Java platform", e);
        }
    }

    /**
     * A device certificate: subject CN = device id, SAN URI {@code urn:devicetrust:device:<id>}, EKU clientAuth,
     * KU digitalSignature (critical), not a CA, AKI/SKI, CRL distribution point, Freshest CRL (the delta CRL)
     * and the OCSP responder in the AIA ({@link RevocationUrls}). The validity is cut at the CA's
     * own expiry: no certificate outlives its issuer.
     */
    public X509Certificate device(
            CaCredential issuer, DeviceId device, PublicKey subjectKey, Duration validity, URI crlUrl) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(crlUrl, "crlUrl");
        requirePositive(validity);
        X509v3CertificateBuilder builder = builder(
                issuer.certificate(),
                new X500NameBuilder(BCStyle.INSTANCE)
                        .addRDN(BCStyle.CN, device.value())
                        .build(),
                subjectKey,
                validity);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(
                    Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            builder.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, device.urn())));
            addKeyIdentifiers(builder, subjectKey, issuer.certificate());
            builder.addExtension(Extension.cRLDistributionPoints, false, crlDistributionPoint(crlUrl));
            RevocationUrls urls = RevocationUrls.nextTo(crlUrl);
            builder.addExtension(Extension.freshestCRL, false, crlDistributionPoint(urls.deltaCrl()));
            builder.addExtension(
                    Extension.authorityInfoAccess,
                    false,
                    new AuthorityInformationAccess(new AccessDescription(
                            AccessDescription.id_ad_ocsp,
                            new GeneralName(
                                    GeneralName.uniformResourceIdentifier,
                                    urls.ocsp().toString()))));
        } catch (Exception e) {
            throw new IllegalStateException("device certificate extensions cannot be encoded", e);
        }
        return sign(builder, issuer, issuer.certificate());
    }

    /** The self-signed Root CA: CA without path length limit, KU keyCertSign + cRLSign. */
    public X509Certificate rootCa(PublicKey publicKey, PrivateKey privateKey) {
        return rootCa(publicKey, privateKey, provider);
    }

    /** The same, signed by {@code signingProvider} (the token's provider for a root key held in a token). */
    public X509Certificate rootCa(PublicKey publicKey, PrivateKey privateKey, Provider signingProvider) {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                ROOT_CA_NAME,
                SerialNumbers.next(random),
                notBefore(),
                Date.from(notBeforeInstant().plus(ROOT_CA_VALIDITY)),
                ROOT_CA_NAME,
                publicKey);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, extensionUtils.createSubjectKeyIdentifier(publicKey));
            builder.addExtension(
                    Extension.authorityKeyIdentifier, false, extensionUtils.createAuthorityKeyIdentifier(publicKey));
        } catch (Exception e) {
            throw new IllegalStateException("root CA extensions cannot be encoded", e);
        }
        return sign(builder, privateKey, signingProvider, publicKey, null);
    }

    /** The Device Issuing CA, signed by the root: CA with path length 0 (it signs end entities only). */
    public X509Certificate deviceCa(CaCredential root, PublicKey publicKey) {
        X509v3CertificateBuilder builder = builder(root.certificate(), DEVICE_CA_NAME, publicKey, DEVICE_CA_VALIDITY);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            addKeyIdentifiers(builder, publicKey, root.certificate());
        } catch (Exception e) {
            throw new IllegalStateException("device CA extensions cannot be encoded", e);
        }
        return sign(builder, root, root.certificate());
    }

    /** The firmware signing certificate, signed by the root: end entity, KU digitalSignature, EKU codeSigning. */
    public X509Certificate firmwareSigning(CaCredential root, PublicKey publicKey) {
        X509v3CertificateBuilder builder =
                builder(root.certificate(), FIRMWARE_SIGNING_NAME, publicKey, FIRMWARE_SIGNING_VALIDITY);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(
                    Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
            addKeyIdentifiers(builder, publicKey, root.certificate());
        } catch (Exception e) {
            throw new IllegalStateException("firmware signing extensions cannot be encoded", e);
        }
        return sign(builder, root, root.certificate());
    }

    /**
     * The backend's TLS server certificate, signed by the root (devices pin the root): SAN DNS localhost plus the
     * given host names (IP literals become iPAddress entries) and IP 127.0.0.1, EKU serverAuth; with a CRL
     * distribution point when {@code rootCrlUrl} is given (the root's CRL, which covers this certificate).
     */
    public X509Certificate tlsServer(CaCredential root, PublicKey publicKey, List<String> hostNames) {
        return tlsServer(root, publicKey, hostNames, null);
    }

    public X509Certificate tlsServer(CaCredential root, PublicKey publicKey, List<String> hostNames, URI rootCrlUrl) {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        String commonName = "localhost";
        for (String host : hostNames) {
            GeneralName name = hostName(host);
            if (!names.contains(name)) {
                names.add(name);
            }
            if ("localhost".equals(commonName) && name.getTagNo() == GeneralName.dNSName) {
                commonName = host.toLowerCase(java.util.Locale.ROOT);
            }
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "DeviceTrust")
                .addRDN(BCStyle.CN, commonName)
                .build();
        X509v3CertificateBuilder builder = builder(root.certificate(), subject, publicKey, TLS_SERVER_VALIDITY);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(
                    Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(
                    Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
            if (rootCrlUrl != null) {
                builder.addExtension(Extension.cRLDistributionPoints, false, crlDistributionPoint(rootCrlUrl));
            }
            addKeyIdentifiers(builder, publicKey, root.certificate());
        } catch (Exception e) {
            throw new IllegalStateException("TLS server extensions cannot be encoded", e);
        }
        return sign(builder, root, root.certificate());
    }

    /** A host name as a SAN entry; IP literals become iPAddress. Anything else is refused. */
    public static GeneralName hostName(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host name must not be empty");
        }
        if (IP_LITERAL.matcher(host).matches()) {
            try {
                return new GeneralName(
                        GeneralName.iPAddress,
                        InetAddress.getByName(host).getHostAddress().replaceAll("%.*$", ""));
            } catch (UnknownHostException | IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + host + "' is not a valid IP address");
            }
        }
        if (!DNS_NAME.matcher(host).matches()) {
            throw new IllegalArgumentException("'" + host + "' is not a valid DNS host name");
        }
        return new GeneralName(GeneralName.dNSName, host.toLowerCase(java.util.Locale.ROOT));
    }

    private X509v3CertificateBuilder builder(
            X509Certificate issuer, X500Name subject, PublicKey subjectKey, Duration validity) {
        Instant notBefore = notBeforeInstant();
        Instant notAfter = notBefore.plus(validity);
        Instant issuerNotAfter = issuer.getNotAfter().toInstant();
        if (notAfter.isAfter(issuerNotAfter)) {
            notAfter = issuerNotAfter;
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalStateException(
                    "issuer certificate " + issuer.getSubjectX500Principal().getName() + " has expired");
        }
        return new JcaX509v3CertificateBuilder(
                X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()),
                SerialNumbers.next(random),
                Date.from(notBefore),
                Date.from(notAfter),
                subject,
                subjectKey);
    }

    private void addKeyIdentifiers(X509v3CertificateBuilder builder, PublicKey subjectKey, X509Certificate issuer)
            throws Exception {
        builder.addExtension(
                Extension.subjectKeyIdentifier, false, extensionUtils.createSubjectKeyIdentifier(subjectKey));
        builder.addExtension(
                Extension.authorityKeyIdentifier,
                false,
                extensionUtils.createAuthorityKeyIdentifier(issuer.getPublicKey()));
    }

    static CRLDistPoint crlDistributionPoint(URI crlUrl) {
        GeneralNames location =
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl.toString()));
        return new CRLDistPoint(
                new DistributionPoint[] {new DistributionPoint(new DistributionPointName(location), null, null)});
    }

    private X509Certificate sign(X509v3CertificateBuilder builder, CaCredential signer, X509Certificate issuer) {
        return sign(builder, signer.privateKey(), signer.signingProvider(provider), signer.publicKey(), issuer);
    }

    private X509Certificate sign(
            X509v3CertificateBuilder builder,
            PrivateKey signingKey,
            Provider signingProvider,
            PublicKey verifyingKey,
            X509Certificate issuer) {
        X509CertificateHolder holder = build(builder, signer(signingKey, verifyingKey, signingProvider));
        X500Name issuerName = issuer == null
                ? holder.getSubject()
                : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
        SelfCheck.certificate(holder, verifyingKey, issuerName, provider);
        try {
            return new JcaX509CertificateConverter().setProvider(provider).getCertificate(holder);
        } catch (CertificateException e) {
            throw new IllegalStateException("signed certificate cannot be decoded", e);
        }
    }

    /**
     * Signs; a key that cannot sign (a token removed, its session gone) is a key store failure, reported in one
     * line without the provider's stack.
     */
    private static X509CertificateHolder build(X509v3CertificateBuilder builder, ContentSigner signer) {
        try {
            return builder.build(signer);
        } catch (RuntimeException e) {
            throw cannotSign(e);
        }
    }

    static KeyStoreUnavailableException cannotSign(Exception e) {
        return new KeyStoreUnavailableException("the CA key cannot sign: "
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
    }

    /** ECDSA with the hash that matches the key size (SHA-384 for P-384, SHA-256 otherwise). */
    static ContentSigner signer(PrivateKey key, Provider provider) {
        return signer(key, null, provider);
    }

    /** The same for a credential: its own provider signs when its key lives in a token. */
    static ContentSigner signer(CaCredential credential, Provider fallback) {
        return signer(credential.privateKey(), credential.publicKey(), credential.signingProvider(fallback));
    }

    /**
     * @param publicKey the key's public half, which names the curve when the private key is a token handle that
     *                  does not (a sensitive PKCS#11 key is no {@code ECKey}); null to ask the private key
     */
    static ContentSigner signer(PrivateKey key, PublicKey publicKey, Provider provider) {
        String algorithm = publicKey != null ? signatureAlgorithm(publicKey) : signatureAlgorithm(key);
        try {
            return new JcaContentSignerBuilder(algorithm).setProvider(provider).build(key);
        } catch (Exception e) {
            throw cannotSign(e);
        }
    }

    static String signatureAlgorithm(PublicKey key) {
        if (key instanceof java.security.interfaces.ECKey ec) {
            return ec.getParams().getOrder().bitLength() > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
        }
        if ("RSA".equals(key.getAlgorithm())) {
            return "SHA256withRSA";
        }
        throw new IllegalStateException("CA key algorithm " + key.getAlgorithm() + " is not supported");
    }

    static String signatureAlgorithm(PrivateKey key) {
        if (key instanceof java.security.interfaces.ECKey ec) {
            return ec.getParams().getOrder().bitLength() > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
        }
        if ("RSA".equals(key.getAlgorithm())) {
            return "SHA256withRSA";
        }
        throw new IllegalStateException("CA key algorithm " + key.getAlgorithm() + " is not supported");
    }

    private Instant notBeforeInstant() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private Date notBefore() {
        return Date.from(notBeforeInstant());
    }

    private static void requirePositive(Duration validity) {
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive");
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "DeviceTrust")
                .addRDN(BCStyle.CN, commonName)
                .build();
    }
}
