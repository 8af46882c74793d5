package org.devicetrust.audit.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The single row that serializes appends to the audit chain: writers lock it, so every node of a cluster
 * appends in one order through the shared database.
 */
@Entity
@Table(name = "audit_chain_head")
public class AuditChainHead {

    public static final int ID = 1;

    @Id
    @Column(name = "id")
    private int id;

    @Column(name = "last_seq", nullable = false)
    private long lastSequence;

    @Column(name = "last_hash", nullable = false, length = 64)
    private String lastHash;

    protected AuditChainHead() {
        // for JPA
    }

    public long lastSequence() {
        return lastSequence;
    }

    public String lastHash() {
        return lastHash;
    }

    public void advance(long sequence, String hash) {
        if (sequence != lastSequence + 1) {
            throw new IllegalStateException("audit chain must grow by one");
        }
        this.lastSequence = sequence;
        this.lastHash = hash;
    }
}
