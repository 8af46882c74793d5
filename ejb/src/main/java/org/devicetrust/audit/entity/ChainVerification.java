package org.devicetrust.audit.entity;

/** Result of a verification of the audit chain: {@code firstBrokenSequence} is 0 when the chain is intact. */
public record ChainVerification(long checked, long firstBrokenSequence, String reason) {
    public boolean intact() {
        return firstBrokenSequence == 0;
    }
}
