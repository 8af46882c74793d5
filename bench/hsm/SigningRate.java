import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/**
 * Signatures per second, one thread: an EC key in a PKCS#11 token (SunPKCS11) beside the same curve in memory
 * (SunEC, and BouncyCastle when its jar is on the class path). Figures only. Args: library slot pin seconds.
 */
public final class SigningRate {

    public static void main(String[] args) throws Exception {
        String config = "--name = bench\nlibrary = " + args[0] + "\nslot = " + args[1] + "\n"
                + "attributes(generate, CKO_PRIVATE_KEY, *) = {\n  CKA_TOKEN = true\n  CKA_SENSITIVE = true\n"
                + "  CKA_EXTRACTABLE = false\n}\n";
        Provider token = Security.getProvider("SunPKCS11").configure(config);
        KeyStore.getInstance("PKCS11", token).load(null, args[2].toCharArray());
        double seconds = Double.parseDouble(args[3]);
        for (String curve : new String[] {"secp256r1", "secp384r1"}) {
            String algorithm = curve.equals("secp256r1") ? "SHA256withECDSA" : "SHA384withECDSA";
            report(curve, "PKCS#11 token (" + args[0].replaceAll(".*/", "") + ")", token, token, algorithm, seconds);
            Provider sunEc = Security.getProvider("SunEC");
            report(curve, "in memory, SunEC", sunEc, sunEc, algorithm, seconds);
            try {
                Provider bc = (Provider) Class.forName("org.bouncycastle.jce.provider.BouncyCastleProvider")
                        .getDeclaredConstructor()
                        .newInstance();
                report(curve, "in memory, BouncyCastle", bc, bc, algorithm, seconds);
            } catch (ClassNotFoundException e) {
                System.out.println(curve + "  in memory, BouncyCastle: skipped (no bcprov jar on the class path)");
            }
        }
    }

    private static void report(
            String curve, String where, Provider keys, Provider signer, String algorithm, double seconds)
            throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", keys);
        generator.initialize(new ECGenParameterSpec(curve));
        KeyPair pair = generator.generateKeyPair();
        PrivateKey key = pair.getPrivate();
        byte[] message = new byte[300]; // about a device certificate's TBS
        Signature s = Signature.getInstance(algorithm, signer);
        for (int i = 0; i < 200; i++) { // warm-up
            s.initSign(key);
            s.update(message);
            s.sign();
        }
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long started = System.nanoTime();
        int count = 0;
        while (System.nanoTime() < end) {
            s.initSign(key);
            s.update(message);
            s.sign();
            count++;
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        System.out.printf(
                "%s  %-32s %8.0f signatures/s  (%d in %.1f s)%n", curve, where, count / elapsed, count, elapsed);
    }
}
