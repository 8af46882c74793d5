package org.devicetrust.audit.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;

/**
 * How many audit records of each action and outcome this server has committed since it started: what the
 * operator's metrics show (issuance, revocation, refusals). Counted when the record's transaction commits, so a
 * rolled-back attempt is not counted as done. Per server: the chain in the database is the whole story.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@PermitAll
public class AuditCounters {

    private final Map<AuditAction, LongAdder[]> counts = new EnumMap<>(AuditAction.class);

    public AuditCounters() {
        for (AuditAction action : AuditAction.values()) {
            LongAdder[] byOutcome = new LongAdder[AuditOutcome.values().length];
            for (int i = 0; i < byOutcome.length; i++) {
                byOutcome[i] = new LongAdder();
            }
            counts.put(action, byOutcome);
        }
    }

    /** One committed record. */
    public void committed(AuditAction action, AuditOutcome outcome) {
        counts.get(action)[outcome.ordinal()].increment();
    }

    /** Committed records of that action and outcome since this server started. */
    public long count(AuditAction action, AuditOutcome outcome) {
        return counts.get(action)[outcome.ordinal()].sum();
    }
}
