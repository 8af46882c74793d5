package org.devicetrust.web.admin;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.devicetrust.firmware.boundary.ExecutionCounts;
import org.devicetrust.firmware.boundary.Rollouts;
import org.devicetrust.firmware.boundary.UpdateImages;
import org.devicetrust.firmware.entity.ExecutionState;
import org.devicetrust.firmware.entity.Rollout;
import org.devicetrust.web.problem.InvalidRequest;

/** Admin API: rollouts of approved firmware releases over named devices in staged groups (docs/ota.md). */
@Path("admin/rollouts")
@Produces(MediaType.APPLICATION_JSON)
public class RolloutsResource {

    /** {@code error}: pause at {@code pct} failed of terminal once {@code minExecuted} ended, or at {@code absoluteMax}. */
    public record ErrorThresholdRequest(Integer pct, Integer minExecuted, Integer absoluteMax) {}

    public record RolloutRequest(
            Long releaseId,
            List<String> deviceIds,
            String deviceFilter,
            List<Integer> groups,
            Integer successPct,
            ErrorThresholdRequest error,
            Integer actionTimeoutMinutes,
            Integer maxOffersPerMinute,
            Integer chunkSize,
            Instant startAt,
            List<Integer> groupCounts) {}

    public record Counters(long queued, long open, long succeeded, long failed, long canceled) {
        static Counters of(ExecutionCounts c) {
            return new Counters(
                    c.of(ExecutionState.QUEUED),
                    c.open() - c.of(ExecutionState.QUEUED),
                    c.succeeded(),
                    c.failed(),
                    c.of(ExecutionState.CANCELED));
        }
    }

    public record GroupResponse(int position, String state, int size, Counters counters) {}

    public record RolloutResponse(
            long id,
            long releaseId,
            String state,
            String pauseReason,
            String createdBy,
            Instant createdAt,
            Instant changedAt,
            Instant startAt,
            Counters counters,
            List<GroupResponse> groups) {}

    /**
     * One device's update as the admin API shows it; {@code chunkRequests} counts the device's image requests for
     * it on the node that answers, since that node started.
     */
    public record UpdateResponse(
            String id,
            String deviceId,
            long groupId,
            String state,
            long lastSeq,
            Integer lastCode,
            Instant offeredAt,
            Instant deadline,
            Instant finishedAt,
            long chunkRequests) {}

    @Inject
    Rollouts rollouts;

    @Inject
    UpdateImages images;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(RolloutRequest r, @Context UriInfo uri) {
        if (r == null || r.releaseId() == null || (r.deviceIds() == null && r.deviceFilter() == null)) {
            throw new InvalidRequest(
                    "a JSON body {\"releaseId\": ..., \"deviceIds\": [...] and/or \"deviceFilter\": \"...\", ...} is required");
        }
        if (r.groups() != null && r.groupCounts() != null) {
            throw new InvalidRequest(
                    "groups are given by percent (\"groups\") or by count (\"groupCounts\"), not both");
        }
        ErrorThresholdRequest error = r.error() == null ? new ErrorThresholdRequest(null, null, null) : r.error();
        Rollout rollout = rollouts.create(
                new Rollouts.RolloutRequest(
                        r.releaseId(),
                        r.deviceIds() == null ? List.of() : r.deviceIds(),
                        r.deviceFilter(),
                        r.groupCounts() != null ? null : r.groups() == null ? List.of(100) : r.groups(),
                        orDefault(r.successPct(), 100),
                        orDefault(error.pct(), 20),
                        orDefault(error.minExecuted(), 1),
                        orDefault(error.absoluteMax(), 0),
                        Math.multiplyExact(orDefault(r.actionTimeoutMinutes(), 60), 60),
                        orDefault(r.maxOffersPerMinute(), 600),
                        orDefault(r.chunkSize(), 4096),
                        r.groupCounts()),
                r.startAt());
        return Response.created(uri.getAbsolutePathBuilder()
                        .path(String.valueOf(rollout.id()))
                        .build())
                .entity(response(rollout))
                .build();
    }

    /** Rollouts, newest first, one page ({@code first}, {@code size} 1..500) with their counters. */
    @GET
    public List<RolloutResponse> list(
            @QueryParam("first") @jakarta.ws.rs.DefaultValue("0") int first,
            @QueryParam("size") @jakarta.ws.rs.DefaultValue("50") int size) {
        if (first < 0 || size < 1 || size > 500) {
            throw new InvalidRequest("first must be 0 or more and size 1 to 500");
        }
        return rollouts.list(first, size).stream().map(this::response).toList();
    }

    @GET
    @Path("{id}")
    public RolloutResponse get(@PathParam("id") long id) {
        return response(rollouts.find(id));
    }

    /** The rollout's device updates, by device id; {@code ?status=STATE} keeps those in one state. */
    @GET
    @Path("{id}/executions")
    public List<UpdateResponse> executions(@PathParam("id") long id, @QueryParam("status") String status) {
        ExecutionState state = null;
        if (status != null) {
            try {
                state = ExecutionState.valueOf(status);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequest("status must be one of " + Arrays.toString(ExecutionState.values()));
            }
        }
        return rollouts.executions(id, state).stream()
                .map(e -> new UpdateResponse(
                        e.id(),
                        e.deviceId(),
                        e.groupId(),
                        e.state().name(),
                        e.lastSeq(),
                        e.lastCode(),
                        e.offeredAt(),
                        e.deadline(),
                        e.finishedAt(),
                        images.chunkRequests(e.id())))
                .toList();
    }

    @POST
    @Path("{id}/start")
    public RolloutResponse start(@PathParam("id") long id) {
        return response(rollouts.start(id));
    }

    @POST
    @Path("{id}/pause")
    public RolloutResponse pause(@PathParam("id") long id) {
        return response(rollouts.pause(id));
    }

    @POST
    @Path("{id}/resume")
    public RolloutResponse resume(@PathParam("id") long id) {
        return response(rollouts.resume(id));
    }

    @POST
    @Path("{id}/stop")
    public RolloutResponse stop(@PathParam("id") long id) {
        return response(rollouts.stop(id));
    }

    private RolloutResponse response(Rollout r) {
        List<GroupResponse> groups = rollouts.progress(r.id()).stream()
                .map(p -> new GroupResponse(
                        p.group().position(),
                        p.group().state().name(),
                        p.group().size(),
                        Counters.of(p.counts())))
                .toList();
        return new RolloutResponse(
                r.id(),
                r.releaseId(),
                r.state().name(),
                r.pauseReason() == null ? null : r.pauseReason().name(),
                r.createdBy(),
                r.createdAt(),
                r.changedAt(),
                r.startAt(),
                Counters.of(rollouts.counts(r.id())),
                groups);
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
