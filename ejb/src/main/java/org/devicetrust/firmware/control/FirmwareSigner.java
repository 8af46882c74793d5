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
 * A key in memory signs with deterministic ECDSA (RFC 6979), so signing does not depend on the
 * quality of a random number generator and the same input always yields the same image (shared
 * test vectors stay stable). A key in a PKCS#11 token signs in the token, with its own provider's
 * {@code SHA256withECDSA} (the token's random nonce; a token offers no deterministic variant), so
 * its images differ from run to run and verify all the same. The signer checks its own signature
 * against the public key before returning the image.
 */
public final class FirmwareSigner {

    private static final String DETERMINISTIC = "SHA256withECDDSA";
    private static final String IN_TOKEN = "SHA256withECDSA";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final Provider provider;
    private final Provider keyProvider;
    private final byte[] rawPublicKey;

    /** A key in memory: deterministic ECDSA with {@code provider} (BouncyCastle). */
    public FirmwareSigner(PrivateKey privateKey, PublicKey publicKey, Provider provider) {
        this(privateKey, publicKey, provider, null);
    }

    /**
     * @param keyProvider the provider that holds the key (a PKCS#11 token's, the only one that can use its
     *     keys), or null for a key in memory; {@code provider} still verifies
     */
    public FirmwareSigner(PrivateKey privateKey, PublicKey publicKey, Provider provider, Provider keyProvider) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.provider = provider;
        this.keyProvider = keyProvider;
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
            Signature s = keyProvider == null
                    ? Signature.getInstance(DETERMINISTIC, provider)
                    : Signature.getInstance(IN_TOKEN, keyProvider);
            s.initSign(privateKey);
            s.update(message);
            return rawSignature(s.sign());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException(
                    "firmware signing failed: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    e);
        }
    }

    /** DER {@code SEQUENCE {r, s}} to the block's fixed r||s, 32 bytes each; anything else is refused. */
    static byte[] rawSignature(byte[] der) {
        ASN1Sequence sequence = ASN1Sequence.getInstance(der);
        if (sequence.size() != 2) {
            throw new IllegalArgumentException("an ECDSA signature is a sequence of two integers");
        }
        BigInteger r = ASN1Integer.getInstance(sequence.getObjectAt(0)).getValue();
        BigInteger sv = ASN1Integer.getInstance(sequence.getObjectAt(1)).getValue();
        byte[] raw = new byte[64];
        FirmwareKeys.unsigned32(r, raw, 0);
        FirmwareKeys.unsigned32(sv, raw, 32);
        return raw;
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
