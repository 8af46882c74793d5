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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.devicetrust.firmware.boundary.FirmwareReleases;
import org.devicetrust.firmware.entity.FirmwareRelease;
import org.devicetrust.web.problem.BodyLimit;
import org.devicetrust.web.problem.InvalidRequest;

/**
 * Admin API: firmware releases (docs/ota.md). {@code POST} with {@code application/vnd.devicetrust.firmware-image}
 * uploads an image signed elsewhere, which the backend verifies against the fleet's key slots; with
 * {@code application/octet-stream} and the metadata as query parameters, a raw payload the backend signs.
 */
@Path("admin/firmware/releases")
@Produces(MediaType.APPLICATION_JSON)
public class FirmwareReleasesResource {

    public static final String SIGNED_IMAGE = "application/vnd.devicetrust.firmware-image";
    /** One app slot (4 MiB), the largest signed image; a raw payload is smaller still. */
    static final int MAX_BODY = 0x400000;

    /** The list, with the anti-rollback counter's state. */
    public record ReleaseListResponse(
            int highestApprovedSecurityVersion,
            int remainingSecurityVersions,
            List<FirmwareReleaseResponse> releases) {}

    @Inject
    FirmwareReleases releases;

    @POST
    @Consumes(SIGNED_IMAGE)
    @BodyLimit(MAX_BODY)
    public Response uploadSigned(byte[] image, @Context UriInfo uri) {
        return created(releases.createVerified(image), uri);
    }

    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @BodyLimit(MAX_BODY)
    public Response uploadPayload(
            byte[] payload,
            @QueryParam("type") @DefaultValue("app") String type,
            @QueryParam("version") Long version,
            @QueryParam("securityVersion") Integer securityVersion,
            @QueryParam("loadAddress") String loadAddress,
            @QueryParam("entryAddress") String entryAddress,
            @QueryParam("buildId") String buildId,
            @Context UriInfo uri) {
        if (version == null || securityVersion == null || loadAddress == null) {
            throw new InvalidRequest("query parameters version, securityVersion and loadAddress are required");
        }
        long load = address(loadAddress, "loadAddress");
        long entry = entryAddress == null ? load : address(entryAddress, "entryAddress");
        FirmwareReleases.ReleaseRequest request = new FirmwareReleases.ReleaseRequest(
                type, version, securityVersion, load, entry, buildId == null ? "v" + version : buildId);
        return created(releases.createSigned(request, payload), uri);
    }

    @GET
    public ReleaseListResponse list(
            @QueryParam("first") @DefaultValue("0") int first, @QueryParam("size") @DefaultValue("50") int size) {
        if (first < 0 || size < 1 || size > 500) {
            throw new InvalidRequest(
                    org.devicetrust.platform.boundary.ProblemType.PAGE_INVALID, "first >= 0 and size 1..500");
        }
        FirmwareReleases.SecurityVersionCapacity capacity = releases.capacity();
        return new ReleaseListResponse(
                capacity.highestApproved(),
                capacity.remaining(),
                releases.list(first, size).stream().map(this::response).toList());
    }

    @GET
    @Path("{id}")
    public FirmwareReleaseResponse get(@PathParam("id") long id) {
        return response(releases.find(id));
    }

    @POST
    @Path("{id}/approval")
    public FirmwareReleaseResponse approve(@PathParam("id") long id) {
        return response(releases.approve(id));
    }

    @POST
    @Path("{id}/revocation")
    public FirmwareReleaseResponse revoke(@PathParam("id") long id) {
        return response(releases.revoke(id));
    }

    private Response created(FirmwareRelease release, UriInfo uri) {
        return Response.created(uri.getAbsolutePathBuilder()
                        .replaceQuery(null)
                        .path(String.valueOf(release.id()))
                        .build())
                .entity(response(release))
                .build();
    }

    private FirmwareReleaseResponse response(FirmwareRelease release) {
        return FirmwareReleaseResponse.of(release, releases.raisesSecurityVersion(release));
    }

    private static long address(String text, String name) {
        try {
            String t = text.strip().toLowerCase(java.util.Locale.ROOT);
            long v = t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            if (v < 0 || v > 0xffff_ffffL) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidRequest(name + " must be a 32-bit address, decimal or 0x-hex");
        }
    }
}
