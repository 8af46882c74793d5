package org.devicetrust.web.console;

import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.devicetrust.firmware.boundary.ExecutionCounts;
import org.devicetrust.firmware.boundary.FirmwareException;
import org.devicetrust.firmware.boundary.FirmwareReleases;
import org.devicetrust.firmware.boundary.Rollouts;
import org.devicetrust.firmware.entity.FirmwareRelease;
import org.devicetrust.firmware.entity.ReleaseState;
import org.devicetrust.firmware.entity.Rollout;
import org.devicetrust.platform.boundary.ProblemType;

/**
 * Rollouts: the list with their progress, and the form that creates one (devices by id or by filter, groups,
 * thresholds, timeout, offer rate), started at once or left as a draft.
 */
@Named("rollouts")
@ViewScoped
public class RolloutList implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int PAGE = 50;

    @Inject
    Rollouts rollouts;

    @Inject
    FirmwareReleases releases;

    private List<Rollout> list = List.of();
    private Map<Long, ExecutionCounts> counts = Map.of();
    private List<FirmwareRelease> approved = List.of();

    private Long releaseId;
    private String deviceIds;
    private String deviceFilter;
    private String groups = "100";
    private int successPercent = 100;
    private int errorPercent = 20;
    private int minExecuted = 1;
    private int absoluteMax;
    private int timeoutMinutes = 60;
    private int maxOffersPerMinute = 600;
    private int chunkSize = 4096;
    private boolean startNow = true;

    public void load() {
        try {
            list = rollouts.list(0, PAGE);
            Map<Long, ExecutionCounts> c = new HashMap<>();
            for (Rollout r : list) {
                c.put(r.id(), rollouts.counts(r.id()));
            }
            counts = c;
            approved = releases.list(0, PAGE).stream()
                    .filter(r -> r.state() == ReleaseState.APPROVED)
                    .toList();
            if (releaseId == null && !approved.isEmpty()) {
                releaseId = approved.get(0).id();
            }
        } catch (RuntimeException e) {
            Messages.failure("Rollouts not shown", e);
        }
    }

    /** Creates (and starts) the rollout and opens its page; stays on the form with the reason when refused. */
    public String create() {
        try {
            if (releaseId == null) {
                throw invalid("choose an approved release");
            }
            Rollout rollout = rollouts.create(new Rollouts.RolloutRequest(
                    releaseId,
                    named(),
                    deviceFilter == null || deviceFilter.isBlank() ? null : deviceFilter.strip(),
                    percents(groups),
                    successPercent,
                    errorPercent,
                    minExecuted,
                    absoluteMax,
                    Math.multiplyExact(timeoutMinutes, 60),
                    maxOffersPerMinute,
                    chunkSize,
                    null));
            if (startNow) {
                rollouts.start(rollout.id());
            }
            Messages.info("Rollout " + rollout.id() + " of release " + releaseId + " to "
                    + rollouts.counts(rollout.id()).total() + " devices created"
                    + (startNow ? " and started." : " as a draft."));
            FacesContext.getCurrentInstance().getExternalContext().getFlash().setKeepMessages(true);
            return "/console/rollout?faces-redirect=true&id=" + rollout.id();
        } catch (RuntimeException e) {
            Messages.failure("Rollout not created", e);
            load();
            return null;
        }
    }

    /** The devices named, each once, in the order given; the boundary adds those the filter matches. */
    List<String> named() {
        Set<String> ids = new LinkedHashSet<>();
        if (deviceIds != null) {
            for (String id : deviceIds.split("[\\s,;]+")) {
                if (!id.isEmpty()) {
                    ids.add(id);
                }
            }
        }
        return new ArrayList<>(ids);
    }

    /** "10, 30, 60" -> [10, 30, 60]; the boundary checks that they sum to 100. */
    static List<Integer> percents(String text) {
        List<Integer> out = new ArrayList<>();
        for (String part : (text == null ? "" : text).split("[\\s,]+")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                out.add(Integer.parseInt(part));
            } catch (NumberFormatException e) {
                throw invalid("groups are percents separated by commas, e.g. 10, 30, 60");
            }
            if (out.size() > 100) {
                throw invalid("at most 100 groups");
            }
        }
        if (out.isEmpty()) {
            throw invalid("groups are percents separated by commas, e.g. 10, 30, 60");
        }
        return out;
    }

    private static FirmwareException invalid(String message) {
        return new FirmwareException(ProblemType.ROLLOUT_INVALID, message);
    }

    public ExecutionCounts counts(Rollout r) {
        return counts.getOrDefault(r.id(), new ExecutionCounts(Map.of()));
    }

    public List<Rollout> getList() {
        return list;
    }

    public List<FirmwareRelease> getApproved() {
        return approved;
    }

    public Long getReleaseId() {
        return releaseId;
    }

    public void setReleaseId(Long releaseId) {
        this.releaseId = releaseId;
    }

    public String getDeviceIds() {
        return deviceIds;
    }

    public void setDeviceIds(String deviceIds) {
        this.deviceIds = deviceIds;
    }

    public String getDeviceFilter() {
        return deviceFilter;
    }

    public void setDeviceFilter(String deviceFilter) {
        this.deviceFilter = deviceFilter;
    }

    public String getGroups() {
        return groups;
    }

    public void setGroups(String groups) {
        this.groups = groups;
    }

    public int getSuccessPercent() {
        return successPercent;
    }

    public void setSuccessPercent(int successPercent) {
        this.successPercent = successPercent;
    }

    public int getErrorPercent() {
        return errorPercent;
    }

    public void setErrorPercent(int errorPercent) {
        this.errorPercent = errorPercent;
    }

    public int getMinExecuted() {
        return minExecuted;
    }

    public void setMinExecuted(int minExecuted) {
        this.minExecuted = minExecuted;
    }

    public int getAbsoluteMax() {
        return absoluteMax;
    }

    public void setAbsoluteMax(int absoluteMax) {
        this.absoluteMax = absoluteMax;
    }

    public int getTimeoutMinutes() {
        return timeoutMinutes;
    }

    public void setTimeoutMinutes(int timeoutMinutes) {
        this.timeoutMinutes = timeoutMinutes;
    }

    public int getMaxOffersPerMinute() {
        return maxOffersPerMinute;
    }

    public void setMaxOffersPerMinute(int maxOffersPerMinute) {
        this.maxOffersPerMinute = maxOffersPerMinute;
    }

    public int getChunkSize() {
        return chunkSize;
    }

    public void setChunkSize(int chunkSize) {
        this.chunkSize = chunkSize;
    }

    public boolean isStartNow() {
        return startNow;
    }

    public void setStartNow(boolean startNow) {
        this.startNow = startNow;
    }
}
