package org.devicetrust.firmware.boundary;

import jakarta.persistence.EntityManager;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.devicetrust.firmware.entity.ExecutionState;
import org.devicetrust.firmware.entity.UpdateExecution;

/** Executions of a group or a rollout by state, read in the caller's transaction (after its own changes). */
public record ExecutionCounts(Map<ExecutionState, Long> byState) {

    public ExecutionCounts {
        byState = Map.copyOf(byState);
    }

    static ExecutionCounts ofGroup(EntityManager em, long groupId) {
        return of(em.createNamedQuery(UpdateExecution.COUNT_BY_STATE_IN_GROUP, Object[].class)
                .setParameter("group", groupId)
                .getResultList());
    }

    static ExecutionCounts ofRollout(EntityManager em, long rolloutId) {
        return of(em.createNamedQuery(UpdateExecution.COUNT_BY_STATE_IN_ROLLOUT, Object[].class)
                .setParameter("rollout", rolloutId)
                .getResultList());
    }

    private static ExecutionCounts of(List<Object[]> rows) {
        Map<ExecutionState, Long> counts = new EnumMap<>(ExecutionState.class);
        for (Object[] row : rows) {
            counts.put((ExecutionState) row[0], ((Number) row[1]).longValue());
        }
        return new ExecutionCounts(counts);
    }

    public long of(ExecutionState state) {
        return byState.getOrDefault(state, 0L);
    }

    /** Every execution, whatever its state. */
    public long total() {
        return byState.values().stream().mapToLong(Long::longValue).sum();
    }

    public long succeeded() {
        return of(ExecutionState.SUCCEEDED);
    }

    public long failed() {
        return ExecutionState.FAILURES.stream().mapToLong(this::of).sum();
    }

    /** Succeeded or failed: what the thresholds count. */
    public long terminal() {
        return succeeded() + failed();
    }

    public long open() {
        return byState.entrySet().stream()
                .filter(e -> e.getKey().isOpen())
                .mapToLong(Map.Entry::getValue)
                .sum();
    }
}
