package org.devicetrust.audit.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/**
 * One link of the tamper-evident audit chain. {@code hash} covers every field of this record and the hash of
 * the previous one, so altering, inserting or deleting a row breaks the chain at that point.
 */
@Entity
@Table(name = "audit_record")
@NamedQuery(
        name = AuditRecord.FIND_FROM_SEQUENCE,
        query = "SELECT r FROM AuditRecord r WHERE r.sequence >= :from ORDER BY r.sequence")
public class AuditRecord {

    public static final String FIND_FROM_SEQUENCE = "AuditRecord.findFromSequence";
    public static final int MAX_DETAIL_LENGTH = 2000;
    public static final int MAX_FIELD_LENGTH = 200;

    @Id
    @Column(name = "seq")
    private long sequence;

    @Column(name = "occurred_at_ms", nullable = false)
    private long occurredAtMillis;

    @Column(name = "actor", nullable = false, length = MAX_FIELD_LENGTH)
    private String actor;

    @Enumerated(EnumType.STRING)
    @Column(name = "action", nullable = false, length = 40)
    private AuditAction action;

    @Column(name = "subject", nullable = false, length = MAX_FIELD_LENGTH)
    private String subject;

    @Enumerated(EnumType.STRING)
    @Column(name = "outcome", nullable = false, length = 10)
    private AuditOutcome outcome;

    @Column(name = "detail", nullable = false, length = MAX_DETAIL_LENGTH)
    private String detail;

    @Column(name = "prev_hash", nullable = false, length = 64)
    private String previousHash;

    @Column(name = "hash", nullable = false, length = 64)
    private String hash;

    protected AuditRecord() {
        // for JPA
    }

    public AuditRecord(
            long sequence,
            Instant occurredAt,
            String actor,
            AuditAction action,
            String subject,
            AuditOutcome outcome,
            String detail,
            String previousHash,
            String hash) {
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence starts at 1");
        }
        this.sequence = sequence;
        this.occurredAtMillis = occurredAt.toEpochMilli();
        this.actor = clip(actor, MAX_FIELD_LENGTH);
        this.action = Objects.requireNonNull(action, "action");
        this.subject = clip(subject, MAX_FIELD_LENGTH);
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.detail = clip(detail, MAX_DETAIL_LENGTH);
        this.previousHash = Objects.requireNonNull(previousHash, "previousHash");
        this.hash = Objects.requireNonNull(hash, "hash");
    }

    /** Audit fields come from untrusted input too: keep them bounded rather than fail the record. */
    /**
     * {@code value} cut to {@code max} characters (never between the two halves of a surrogate pair) and made
     * storable: PostgreSQL refuses NUL in text, and a lone surrogate has no UTF-8 form (the driver would store
     * '?', and the record would no longer match its hash); both become U+FFFD. So a hostile string is recorded
     * as it was seen, and never fails the batch it is written with.
     */
    public static String clip(String value, int max) {
        if (value == null) {
            return "";
        }
        String cut = value;
        if (value.length() > max) {
            int end = max > 0 && Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
            cut = value.substring(0, end);
        }
        return storable(cut);
    }

    private static String storable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            boolean bad = c == 0 || (Character.isSurrogate(c) && !pair);
            if (bad && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                out.append(bad ? '\uFFFD' : c);
                if (pair) {
                    out.append(text.charAt(i + 1));
                }
            }
            if (pair) {
                i++;
            }
        }
        return out == null ? text : out.toString();
    }

    public long sequence() {
        return sequence;
    }

    public Instant occurredAt() {
        return Instant.ofEpochMilli(occurredAtMillis);
    }

    public long occurredAtMillis() {
        return occurredAtMillis;
    }

    public String actor() {
        return actor;
    }

    public AuditAction action() {
        return action;
    }

    public String subject() {
        return subject;
    }

    public AuditOutcome outcome() {
        return outcome;
    }

    public String detail() {
        return detail;
    }

    public String previousHash() {
        return previousHash;
    }

    public String hash() {
        return hash;
    }
}
