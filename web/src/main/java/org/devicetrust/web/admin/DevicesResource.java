package org.devicetrust.web.admin;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import java.util.Locale;
import org.devicetrust.device.boundary.DeviceRegistry;
import org.devicetrust.device.boundary.DeviceRegistry.DeviceQuery;
import org.devicetrust.device.boundary.DeviceRegistry.SortField;
import org.devicetrust.device.entity.DeviceStatus;

/** Admin API: the device registry. */
@Path("admin/devices")
@Produces(MediaType.APPLICATION_JSON)
public class DevicesResource {

    @Inject
    DeviceRegistry registry;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(DeviceRegistrationRequest request, @Context UriInfo uri) {
        if (request == null) {
            throw new IllegalArgumentException("a JSON body {\"id\": ..., \"name\": ...} is required");
        }
        var device = registry.register(request.id(), request.name());
        return Response.created(uri.getAbsolutePathBuilder().path(device.id().value()).build())
                .entity(DeviceResponse.of(device)).build();
    }

    @GET
    public DeviceListResponse list(@QueryParam("q") String text, @QueryParam("status") String status,
            @QueryParam("sort") @DefaultValue("id") String sort, @QueryParam("asc") @DefaultValue("true") boolean asc,
            @QueryParam("first") @DefaultValue("0") int first, @QueryParam("size") @DefaultValue("50") int size) {
        DeviceQuery query = new DeviceQuery(text, parseStatus(status), parseSort(sort), asc, first, size);
        return new DeviceListResponse(registry.count(query), first,
                registry.list(query).stream().map(DeviceResponse::of).toList());
    }

    @GET
    @Path("{id}")
    public DeviceResponse get(@PathParam("id") String id) {
        return DeviceResponse.of(registry.get(id));
    }

    @POST
    @Path("{id}/status")
    @Consumes(MediaType.APPLICATION_JSON)
    public DeviceResponse changeStatus(@PathParam("id") String id, DeviceStatusRequest request) {
        if (request == null || request.status() == null) {
            throw new IllegalArgumentException("a JSON body {\"status\": \"ACTIVE|SUSPENDED|DECOMMISSIONED\"} is required");
        }
        return DeviceResponse.of(registry.changeStatus(id, parseStatus(request.status()), request.reason()));
    }

    static DeviceStatus parseStatus(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            return DeviceStatus.valueOf(status.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("status must be one of ACTIVE, SUSPENDED, DECOMMISSIONED");
        }
    }

    private static SortField parseSort(String sort) {
        try {
            return SortField.valueOf(sort.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sort must be one of id, name, status, created, updated");
        }
    }
}
