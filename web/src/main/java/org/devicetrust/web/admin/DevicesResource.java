package org.devicetrust.web.admin;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Locale;
import org.devicetrust.device.boundary.DeviceCertificates;
import org.devicetrust.device.boundary.DeviceRegistry;
import org.devicetrust.device.boundary.DeviceRegistry.DeviceQuery;
import org.devicetrust.device.boundary.DeviceRegistry.SortField;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.pki.boundary.CertificateQueries;
import org.devicetrust.pki.boundary.PkiException;
import org.devicetrust.platform.boundary.ProblemType;
import org.devicetrust.web.problem.InvalidRequest;

/** Admin API: the device registry and issuance of device certificates. */
@Path("admin/devices")
@Produces(MediaType.APPLICATION_JSON)
public class DevicesResource {

    public static final String PKCS10 = "application/pkcs10";
    public static final String PEM = "application/x-pem-file";

    @Inject
    DeviceRegistry registry;

    @Inject
    CertificateQueries certificates;

    @Inject
    DeviceCertificates deviceCertificates;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(DeviceRegistrationRequest request, @Context UriInfo uri) {
        if (request == null) {
            throw new InvalidRequest("a JSON body {\"id\": ..., \"name\": ...} is required");
        }
        var device = registry.register(request.id(), request.name());
        return Response.created(
                        uri.getAbsolutePathBuilder().path(device.id().value()).build())
                .entity(DeviceResponse.of(device))
                .build();
    }

    @GET
    public DeviceListResponse list(
            @QueryParam("q") String text,
            @QueryParam("status") String status,
            @QueryParam("sort") @DefaultValue("id") String sort,
            @QueryParam("asc") @DefaultValue("true") boolean asc,
            @QueryParam("first") @DefaultValue("0") int first,
            @QueryParam("size") @DefaultValue("50") int size) {
        DeviceQuery query = new DeviceQuery(text, parseStatus(status), parseSort(sort), asc, first, size);
        return new DeviceListResponse(
                registry.count(query),
                first,
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
            throw new InvalidRequest("a JSON body {\"status\": \"ACTIVE|SUSPENDED|DECOMMISSIONED\"} is required");
        }
        return DeviceResponse.of(registry.changeStatus(id, parseStatus(request.status()), request.reason()));
    }

    /** Issues a certificate for a registered, ACTIVE device from a PKCS#10 CSR (PEM, or DER as application/pkcs10). */
    @POST
    @Path("{id}/certificates")
    @Consumes({PKCS10, PEM, MediaType.TEXT_PLAIN})
    @Produces({MediaType.APPLICATION_JSON, PEM})
    public Response issue(
            @PathParam("id") String deviceId, byte[] csr, @Context UriInfo uri, @HeaderParam("Accept") String accept) {
        if (csr == null || csr.length == 0) {
            throw new PkiException.InvalidCsr(ProblemType.CSR_MALFORMED, "the request body must hold a PKCS#10 CSR");
        }
        var issued = deviceCertificates.issue(deviceId, csr);
        var location = uri.getBaseUriBuilder()
                .path("admin/certificates")
                .path(issued.serialHex())
                .build();
        if (accept != null && accept.contains(PEM) && !accept.contains(MediaType.APPLICATION_JSON)) {
            return Response.created(location).type(PEM).entity(issued.pem()).build();
        }
        return Response.created(location).entity(CertificateResponse.of(issued)).build();
    }

    @GET
    @Path("{id}/certificates")
    public List<CertificateResponse> certificates(@PathParam("id") String deviceId) {
        return certificates.certificatesOf(deviceId).stream()
                .map(CertificateResponse::of)
                .toList();
    }

    static DeviceStatus parseStatus(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            return DeviceStatus.valueOf(status.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("status must be one of ACTIVE, SUSPENDED, DECOMMISSIONED");
        }
    }

    private static SortField parseSort(String sort) {
        try {
            return SortField.valueOf(sort.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("sort must be one of id, name, status, created, updated");
        }
    }
}
