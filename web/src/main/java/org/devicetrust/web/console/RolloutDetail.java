package org.devicetrust.web.console;

import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.io.Serializable;
import java.util.List;
import org.devicetrust.firmware.boundary.ExecutionCounts;
import org.devicetrust.firmware.boundary.FirmwareReleases;
import org.devicetrust.firmware.boundary.Rollouts;
import org.devicetrust.firmware.entity.ExecutionState;
import org.devicetrust.firmware.entity.FirmwareRelease;
import org.devicetrust.firmware.entity.Rollout;
import org.devicetrust.firmware.entity.RolloutState;
import org.devicetrust.firmware.entity.UpdateExecution;

/**
 * One rollout, live: its state and why it paused, each group's progress as a chart and as numbers (refreshed
 * every few seconds by the page), the devices' updates, and start, pause, resume, stop for administrators.
 */
@Named("rollout")
@ViewScoped
public class RolloutDetail implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The most device updates listed on the page; the admin API pages through all of them. */
    static final int MAX_LISTED = 200;

    /** Chart series: label, colour, and the states each counts. */
    private enum Series {
        SUCCEEDED("succeeded", "#22c55e", List.of(ExecutionState.SUCCEEDED)),
        FAILED("failed", "#ef4444", List.copyOf(ExecutionState.FAILURES)),
        IN_PROGRESS(
                "in progress",
                "#3b82f6",
                List.of(
                        ExecutionState.OFFERED,
                        ExecutionState.DOWNLOADING,
                        ExecutionState.DOWNLOADED,
                        ExecutionState.INSTALLING)),
        QUEUED("queued", "#cbd5e1", List.of(ExecutionState.QUEUED)),
        CANCELED("canceled", "#6b7280", List.of(ExecutionState.CANCELED));

        final String label;
        final String colour;
        final List<ExecutionState> states;

        Series(String label, String colour, List<ExecutionState> states) {
            this.label = label;
            this.colour = colour;
            this.states = states;
        }

        long of(ExecutionCounts c) {
            return states.stream().mapToLong(c::of).sum();
        }
    }

    @Inject
    Rollouts rollouts;

    @Inject
    FirmwareReleases releases;

    @Inject
    ConsoleSession session;

    private Long id;
    private Rollout rollout;
    private FirmwareRelease release;
    private List<Rollouts.GroupProgress> groups = List.of();
    private ExecutionCounts total = new ExecutionCounts(java.util.Map.of());
    private List<UpdateExecution> updates = List.of();

    /** f:viewAction: the rollout named by the {@code id} parameter. */
    public void load() {
        if (id == null) {
            Messages.error("No rollout named: open it from the rollouts page.");
            return;
        }
        try {
            refresh();
            release = releases.find(rollout.releaseId());
            updates = rollouts.executions(id, null, 0, MAX_LISTED);
        } catch (RuntimeException e) {
            rollout = null;
            Messages.failure("Rollout " + id + " not shown", e);
        }
    }

    /**
     * The page's poll: state and grouped counts (one indexed count per group); the listed device updates are read
     * again only when a count changed.
     */
    public void refresh() {
        if (id == null) {
            return;
        }
        rollout = rollouts.find(id);
        groups = rollouts.progress(id);
        ExecutionCounts before = total;
        total = rollouts.counts(id);
        if (!total.equals(before)) {
            updates = rollouts.executions(id, null, 0, MAX_LISTED);
        }
    }

    public void start() {
        act("started", () -> rollouts.start(id));
    }

    public void pause() {
        act("paused: no new offers", () -> rollouts.pause(id));
    }

    public void resume() {
        act("resumed", () -> rollouts.resume(id));
    }

    public void stop() {
        act("stopped; updates not yet downloaded are canceled", () -> rollouts.stop(id));
    }

    private void act(String done, Runnable action) {
        try {
            action.run();
            Messages.info("Rollout " + id + " " + done + ".");
        } catch (RuntimeException e) {
            Messages.failure("Rollout " + id + " unchanged", e);
        }
        load();
    }

    /** Chart.js configuration: one horizontal stacked bar per group, built as JSON. */
    public String getChart() {
        JsonArrayBuilder labels = Json.createArrayBuilder();
        for (Rollouts.GroupProgress g : groups) {
            labels.add("group " + (g.group().position() + 1) + " (" + g.group().state() + ")");
        }
        JsonArrayBuilder datasets = Json.createArrayBuilder();
        for (Series s : Series.values()) {
            JsonArrayBuilder data = Json.createArrayBuilder();
            for (Rollouts.GroupProgress g : groups) {
                data.add(s.of(g.counts()));
            }
            datasets.add(Json.createObjectBuilder()
                    .add("label", s.label)
                    .add("data", data)
                    .add("backgroundColor", s.colour));
        }
        var stacked = Json.createObjectBuilder().add("stacked", true);
        return Json.createObjectBuilder()
                .add("type", "bar")
                .add("data", Json.createObjectBuilder().add("labels", labels).add("datasets", datasets))
                .add(
                        "options",
                        Json.createObjectBuilder()
                                .add("indexAxis", "y")
                                .add("animation", false)
                                .add("responsive", true)
                                .add("maintainAspectRatio", false)
                                .add(
                                        "scales",
                                        Json.createObjectBuilder()
                                                .add(
                                                        "x",
                                                        Json.createObjectBuilder()
                                                                .add("stacked", true)
                                                                .add("beginAtZero", true)
                                                                .add(
                                                                        "ticks",
                                                                        Json.createObjectBuilder()
                                                                                .add("precision", 0)))
                                                .add("y", stacked)))
                .build()
                .toString();
    }

    public long succeeded(ExecutionCounts c) {
        return Series.SUCCEEDED.of(c);
    }

    public long failed(ExecutionCounts c) {
        return Series.FAILED.of(c);
    }

    public long inProgress(ExecutionCounts c) {
        return Series.IN_PROGRESS.of(c);
    }

    public long queued(ExecutionCounts c) {
        return Series.QUEUED.of(c);
    }

    public long canceled(ExecutionCounts c) {
        return Series.CANCELED.of(c);
    }

    /** The poll stops once nothing can change any more. */
    public boolean isLive() {
        return rollout != null && rollout.state() != RolloutState.STOPPED && rollout.state() != RolloutState.FINISHED;
    }

    public boolean isMayStart() {
        return session.isAdmin() && rollout != null && rollout.state() == RolloutState.DRAFT;
    }

    public boolean isMayPause() {
        return session.isAdmin() && rollout != null && rollout.state() == RolloutState.RUNNING;
    }

    public boolean isMayResume() {
        return session.isAdmin() && rollout != null && rollout.state() == RolloutState.PAUSED;
    }

    public boolean isMayStop() {
        return session.isAdmin() && isLive();
    }

    public String getPauseText() {
        if (rollout == null || rollout.state() != RolloutState.PAUSED || rollout.pauseReason() == null) {
            return "";
        }
        return switch (rollout.pauseReason()) {
            case MANUAL -> "paused by an administrator";
            case THRESHOLD ->
                "paused by the error threshold after " + rollout.offersAtPause() + " offers: no offer "
                        + "since; resume to accept the failures so far and go on";
        };
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public Rollout getRollout() {
        return rollout;
    }

    public FirmwareRelease getRelease() {
        return release;
    }

    public List<Rollouts.GroupProgress> getGroups() {
        return groups;
    }

    public ExecutionCounts getTotal() {
        return total;
    }

    public List<UpdateExecution> getUpdates() {
        return updates;
    }
}
