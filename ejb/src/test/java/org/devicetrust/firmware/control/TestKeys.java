package org.devicetrust.firmware.control;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Provider;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECPrivateKeySpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;

/** Fixed P-256 test keys derived from a label, so the shared vectors are reproducible. Tests only. */
public final class TestKeys {

    private TestKeys() {}

    public static KeyPair fromLabel(String label, Provider provider) throws GeneralSecurityException {
        ECNamedCurveParameterSpec p256 = ECNamedCurveTable.getParameterSpec("secp256r1");
        byte[] seed = MessageDigest.getInstance("SHA-256").digest(label.getBytes(StandardCharsets.UTF_8));
        BigInteger d = new BigInteger(1, seed)
                .mod(p256.getN().subtract(BigInteger.ONE))
                .add(BigInteger.ONE);
        KeyFactory kf = KeyFactory.getInstance("EC", provider);
        return new KeyPair(
                kf.generatePublic(new ECPublicKeySpec(p256.getG().multiply(d).normalize(), p256)),
                kf.generatePrivate(new ECPrivateKeySpec(d, p256)));
    }
}
