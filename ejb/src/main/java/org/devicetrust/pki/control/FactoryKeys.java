package org.devicetrust.pki.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.devicetrust.platform.entity.DeviceId;

/**
 * A device key made on the server, for factory provisioning only: an EC P-256 key pair, the CSR the CA issues
 * from (CN = device id, signed with the new key), a one-time password, and the PKCS#12 that hands key and chain
 * out once. Pure: the provider and the random source come in, nothing is stored.
 */
public final class FactoryKeys {

    public static final int PASSWORD_LENGTH = 20;
    /** No look-alikes (0/O, 1/l/I): the password is read off a screen. */
    private static final String PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final Provider provider;
    private final SecureRandom random;

    public FactoryKeys(Provider provider, SecureRandom random) {
        this.provider = provider;
        this.random = random;
    }

    public KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    /** A PKCS#10 request (DER) for the key, subject CN = device id, signed with the key itself. */
    public byte[] csr(KeyPair keys, DeviceId device) throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA")
                    .setProvider(provider)
                    .setSecureRandom(random)
                    .build(keys.getPrivate());
            return new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + device.value()), keys.getPublic())
                    .build(signer)
                    .getEncoded();
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot sign the CSR: " + e.getMessage(), e);
        }
    }

    public char[] password() {
        char[] password = new char[PASSWORD_LENGTH];
        for (int i = 0; i < password.length; i++) {
            password[i] = PASSWORD_ALPHABET.charAt(random.nextInt(PASSWORD_ALPHABET.length()));
        }
        return password;
    }

    /** Key and chain (device certificate first) as a password-protected PKCS#12 in the JDK's format. */
    public byte[] pkcs12(String alias, PrivateKey key, List<X509Certificate> chain, char[] password)
            throws GeneralSecurityException {
        try {
            KeyStore p12 = KeyStore.getInstance("PKCS12");
            p12.load(null, null);
            p12.setKeyEntry(alias, key, password, chain.toArray(X509Certificate[]::new));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p12.store(out, password);
            return out.toByteArray();
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot write the PKCS#12: " + e.getMessage(), e);
        }
    }
}
