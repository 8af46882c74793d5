package org.devicetrust.firmware.control;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;

/**
 * A signed firmware image read back from bytes: the same checks the device makes, for the
 * signer's self-check, for inspection and for cross-testing against the C reader.
 */
public record SignedImage(FirmwareManifest manifest, byte[] payload, SignatureBlock signatureBlock) {

    /** The payload is zero-padded to this multiple before the signature block (formats.md 1). */
    public static final int PAYLOAD_ALIGN = 16;

    public SignedImage {
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public static SignedImage parse(byte[] image) {
        FirmwareManifest manifest = FirmwareManifest.decode(image);
        long sigOffset = signatureBlockOffset(manifest.imageSize());
        if (sigOffset + SignatureBlock.SIZE > image.length) {
            throw new IllegalArgumentException("signature block missing (image truncated)");
        }
        SignatureBlock block = SignatureBlock.decode(image, (int) sigOffset);
        byte[] payload =
                Arrays.copyOfRange(image, FirmwareManifest.SIZE, FirmwareManifest.SIZE + (int) manifest.imageSize());
        return new SignedImage(manifest, payload, block);
    }

    /** Where the signature block starts, found from the signed image size only. */
    public static long signatureBlockOffset(long imageSize) {
        return FirmwareManifest.SIZE + (imageSize + PAYLOAD_ALIGN - 1) / PAYLOAD_ALIGN * PAYLOAD_ALIGN;
    }

    /** Verifies manifest digest, signature and payload digest; throws with the device's verdict words. */
    public void verifySignature(Provider provider) {
        byte[] manifestBytes = manifest.encode();
        if (!MessageDigest.isEqual(FirmwareSigner.sha256(manifestBytes), signatureBlock.manifestDigest())) {
            throw new IllegalArgumentException("manifest digest mismatch");
        }
        try {
            Signature s = Signature.getInstance("SHA256withECDSA", provider);
            s.initVerify(publicKey(provider));
            s.update(manifestBytes);
            if (!s.verify(derSignature(signatureBlock.signature()))) {
                throw new IllegalArgumentException("signature invalid");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("signature invalid: " + e.getMessage(), e);
        }
        if (!MessageDigest.isEqual(FirmwareSigner.sha256(payload), manifest.imageDigest())) {
            throw new IllegalArgumentException("image digest mismatch");
        }
    }

    public PublicKey publicKey(Provider provider) throws GeneralSecurityException {
        byte[] raw = signatureBlock.publicKey();
        ECNamedCurveParameterSpec p256 = ECNamedCurveTable.getParameterSpec("secp256r1");
        var point = p256.getCurve()
                .createPoint(
                        new BigInteger(1, Arrays.copyOfRange(raw, 0, 32)),
                        new BigInteger(1, Arrays.copyOfRange(raw, 32, 64)));
        return KeyFactory.getInstance("EC", provider).generatePublic(new ECPublicKeySpec(point, p256));
    }

    private static byte[] derSignature(byte[] raw) {
        try {
            ASN1EncodableVector v = new ASN1EncodableVector();
            v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 0, 32))));
            v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 32, 64))));
            return new DERSequence(v).getEncoded();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
