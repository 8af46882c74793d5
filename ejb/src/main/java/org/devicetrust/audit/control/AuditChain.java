package org.devicetrust.audit.control;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import org.devicetrust.audit.entity.ChainVerification;

/**
 * The hash chain of the audit log: {@code hash = SHA-256(prevHash || fields)}, each field length-prefixed so that
 * no two different records serialize alike. Used by the writer and by both verifiers (console and command line).
 */
public final class AuditChain {

    /** The "previous hash" of the first record. */
    public static final String GENESIS = "0".repeat(64);

    /** The fields of one record as stored. */
    public record Link(
            long sequence,
            long occurredAtMillis,
            String actor,
            String action,
            String subject,
            String outcome,
            String detail,
            String previousHash,
            String hash) {}

    private AuditChain() {}

    public static String hash(
            long sequence,
            long occurredAtMillis,
            String actor,
            String action,
            String subject,
            String outcome,
            String detail,
            String previousHash) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
        sha256.update(ByteBuffer.allocate(16)
                .putLong(sequence)
                .putLong(occurredAtMillis)
                .array());
        for (String field : new String[] {actor, action, subject, outcome, detail, previousHash}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            sha256.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
            sha256.update(bytes);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** Walks the links in sequence order and reports the first one that does not hold. */
    public static ChainVerification verify(Iterator<Link> links) {
        String expectedPrevious = GENESIS;
        long expectedSequence = 1;
        long checked = 0;
        while (links.hasNext()) {
            Link link = links.next();
            if (link.sequence() != expectedSequence) {
                return new ChainVerification(
                        checked,
                        expectedSequence,
                        "record " + expectedSequence + " is missing (next present is " + link.sequence() + ")");
            }
            if (!constantTimeEquals(link.previousHash(), expectedPrevious)) {
                return new ChainVerification(
                        checked, link.sequence(), "previous-hash does not match record " + (link.sequence() - 1));
            }
            String recomputed = hash(
                    link.sequence(),
                    link.occurredAtMillis(),
                    link.actor(),
                    link.action(),
                    link.subject(),
                    link.outcome(),
                    link.detail(),
                    link.previousHash());
            if (!constantTimeEquals(recomputed, link.hash())) {
                return new ChainVerification(checked, link.sequence(), "record content does not match its hash");
            }
            expectedPrevious = link.hash();
            expectedSequence++;
            checked++;
        }
        return new ChainVerification(checked, 0, "intact");
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
