package org.devicetrust.firmware.control;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * Writes signed firmware images: manifest, payload, zero padding to 16 bytes, signature block.
 * Signatures are deterministic ECDSA (RFC 6979), so signing does not depend on the quality of a
 * random number generator and the same input always yields the same image (shared test vectors
 * stay stable). The signer checks its own signature before returning the image.
 */
public final class FirmwareSigner {

    private static final String ALGORITHM = "SHA256withECDDSA";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final Provider provider;
    private final byte[] rawPublicKey;

    public FirmwareSigner(PrivateKey privateKey, PublicKey publicKey, Provider provider) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.provider = provider;
        this.rawPublicKey = FirmwareKeys.rawPublicKey(publicKey);
    }

    /** The digest a device key slot must hold to trust images from this signer. */
    public byte[] keyDigest() {
        return FirmwareKeys.keyDigest(rawPublicKey);
    }

    public FirmwareManifest manifestFor(
            byte[] payload,
            ImageType type,
            long version,
            int securityVersion,
            long loadAddress,
            long entryAddress,
            byte[] buildId) {
        return new FirmwareManifest(
                type, version, securityVersion, payload.length, loadAddress, entryAddress, sha256(payload), buildId);
    }

    public byte[] sign(byte[] payload, FirmwareManifest manifest) {
        if (manifest.imageSize() != payload.length || !MessageDigest.isEqual(manifest.imageDigest(), sha256(payload))) {
            throw new IllegalArgumentException("manifest does not describe this payload");
        }
        byte[] manifestBytes = manifest.encode();
        byte[] signature = signRaw(manifestBytes);
        SignatureBlock block = new SignatureBlock(sha256(manifestBytes), rawPublicKey, signature);
        int blockOffset = (int) SignedImage.signatureBlockOffset(payload.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(blockOffset + SignatureBlock.SIZE);
        out.writeBytes(manifestBytes);
        out.writeBytes(payload);
        out.writeBytes(new byte[blockOffset - FirmwareManifest.SIZE - payload.length]);
        out.writeBytes(block.encode());
        byte[] image = out.toByteArray();
        SignedImage.parse(image).verifySignature(provider);
        return image;
    }

    private byte[] signRaw(byte[] message) {
        try {
            Signature s = Signature.getInstance(ALGORITHM, provider);
            s.initSign(privateKey);
            s.update(message);
            ASN1Sequence der = ASN1Sequence.getInstance(s.sign());
            BigInteger r = ASN1Integer.getInstance(der.getObjectAt(0)).getValue();
            BigInteger sv = ASN1Integer.getInstance(der.getObjectAt(1)).getValue();
            byte[] raw = new byte[64];
            FirmwareKeys.unsigned32(r, raw, 0);
            FirmwareKeys.unsigned32(sv, raw, 32);
            return raw;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("firmware signing failed: " + e.getMessage(), e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    public PublicKey publicKey() {
        return publicKey;
    }
}
