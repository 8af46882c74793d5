package org.devicetrust.web.console;

import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.boundary.AuditLog.AuditQuery;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.audit.entity.AuditRecord;
import org.devicetrust.audit.entity.ChainVerification;
import org.primefaces.model.FilterMeta;
import org.primefaces.model.LazyDataModel;
import org.primefaces.model.SortMeta;

/** The audit log page: filter by time (UTC), actor, action and outcome in the database; verify the chain. */
@Named
@ViewScoped
public class AuditSearch implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject
    AuditLog audit;

    private LocalDateTime from;
    private LocalDateTime to;
    private String actor;
    private AuditAction action;
    private AuditOutcome outcome;
    private String subject;
    private ChainVerification verification;

    private final LazyDataModel<AuditRecord> records = new Records();

    private final class Records extends LazyDataModel<AuditRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public int count(Map<String, FilterMeta> filterBy) {
            return (int) Math.min(Integer.MAX_VALUE, audit.count(query(0, 1)));
        }

        @Override
        public List<AuditRecord> load(
                int first, int pageSize, Map<String, SortMeta> sortBy, Map<String, FilterMeta> filterBy) {
            setRowCount(count(filterBy)); // filters live in this bean, so count with every load
            return audit.search(query(first, Math.max(1, Math.min(pageSize, AuditLog.MAX_PAGE_SIZE))));
        }

        @Override
        public String getRowKey(AuditRecord record) {
            return Long.toString(record.sequence());
        }
    }

    private AuditQuery query(int first, int pageSize) {
        return new AuditQuery(
                from == null ? null : from.toInstant(ZoneOffset.UTC),
                to == null ? null : to.toInstant(ZoneOffset.UTC),
                actor,
                action,
                outcome,
                subject,
                first,
                pageSize);
    }

    public void verify() {
        try {
            verification = audit.verify();
            if (verification.intact()) {
                Messages.info("Audit chain intact: " + verification.checked() + " records verified.");
            } else {
                Messages.error("Audit chain broken: first broken link at record " + verification.firstBrokenSequence()
                        + " (" + verification.reason() + ").");
            }
        } catch (RuntimeException e) {
            Messages.failure("Verification not run", e);
        }
    }

    public void clear() {
        from = null;
        to = null;
        actor = null;
        action = null;
        outcome = null;
        subject = null;
    }

    public LazyDataModel<AuditRecord> getRecords() {
        return records;
    }

    public AuditAction[] getActions() {
        return AuditAction.values();
    }

    public AuditOutcome[] getOutcomes() {
        return AuditOutcome.values();
    }

    public ChainVerification getVerification() {
        return verification;
    }

    public LocalDateTime getFrom() {
        return from;
    }

    public void setFrom(LocalDateTime from) {
        this.from = from;
    }

    public LocalDateTime getTo() {
        return to;
    }

    public void setTo(LocalDateTime to) {
        this.to = to;
    }

    public String getActor() {
        return actor;
    }

    public void setActor(String actor) {
        this.actor = actor;
    }

    public AuditAction getAction() {
        return action;
    }

    public void setAction(AuditAction action) {
        this.action = action;
    }

    public AuditOutcome getOutcome() {
        return outcome;
    }

    public void setOutcome(AuditOutcome outcome) {
        this.outcome = outcome;
    }

    public String getSubject() {
        return subject;
    }

    public void setSubject(String subject) {
        this.subject = subject;
    }
}
