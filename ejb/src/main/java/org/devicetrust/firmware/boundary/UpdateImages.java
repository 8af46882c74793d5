package org.devicetrust.firmware.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.devicetrust.device.boundary.DeviceAccess;
import org.devicetrust.device.boundary.DeviceAccess.DeviceAuthentication;
import org.devicetrust.firmware.control.FirmwareKeys;
import org.devicetrust.firmware.entity.ExecutionState;
import org.devicetrust.firmware.entity.FirmwareRelease;
import org.devicetrust.firmware.entity.ReleaseState;
import org.devicetrust.firmware.entity.RolloutState;
import org.devicetrust.firmware.entity.UpdateExecution;
import org.devicetrust.platform.boundary.ProblemType;

/**
 * The device's download of an offered image ({@code GET /api/v1/device/update/{id}/image}): one bounded byte range
 * per request, of the image the offer named. The release's bytes are immutable, so they are served from memory
 * (an LRU cache keyed by release id, bounded in bytes): a chunk costs one small indexed read of the update's,
 * rollout's and release's states, never a read of the image column, and no write. Chunk requests are counted per
 * update in memory (bounded, per node since its start) for the admin view and the metrics; the update's state
 * moves only by the device's status reports. A singleton with bean-managed concurrency: the cache and the counters
 * are thread-safe themselves.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class UpdateImages {

    /** The most bytes one range request may ask for: the device buffers a response whole (OTA contract). */
    public static final int MAX_CHUNK = 6144;

    /** Image bytes kept in memory: 16 full app slots. */
    static final long CACHE_BYTES = 64L << 20;

    /** Updates whose chunk requests are counted; the oldest counter goes when a new one would exceed it. */
    static final int MAX_COUNTED_UPDATES = 100_000;

    /** A chunk of the offered image: bytes {@code first..last} of {@code imageLength}, and the image's ETag digest. */
    public record ImageChunk(long first, long last, long imageLength, String manifestDigest, byte[] bytes) {}

    /** The range starts or ends outside the image; {@link #imageLength()} is for {@code Content-Range: bytes *}. */
    public static class RangeNotSatisfiable extends FirmwareException {

        private static final long serialVersionUID = 1L;
        private final long imageLength;

        RangeNotSatisfiable(long imageLength, String message) {
            super(ProblemType.RANGE_NOT_SATISFIABLE, message);
            this.imageLength = imageLength;
        }

        public long imageLength() {
            return imageLength;
        }
    }

    @PersistenceContext
    EntityManager em;

    @EJB
    DeviceAccess access;

    private final Map<Long, byte[]> images = new LinkedHashMap<>(16, 0.75f, true); // guarded by itself
    private long cachedBytes; // guarded by images

    private final ConcurrentHashMap<String, LongAdder> chunkRequests = new ConcurrentHashMap<>();
    private final ArrayDeque<String> countedOrder = new ArrayDeque<>(); // guarded by itself
    private final LongAdder allChunkRequests = new LongAdder();

    /**
     * Bytes {@code first..last} (inclusive) of the image the device's update {@code updateId} offers. Checked in
     * this order: the device is authenticated and ACTIVE ({@link DeviceAccess#authorize}); the update is this
     * device's and was offered (otherwise update-unknown, the same answer for an unknown id, a malformed one and
     * another device's, so none is told from the others); the request is counted; the update is still open, its
     * release not revoked and its rollout not stopped (update-gone); {@code expectedDigest} is the release's
     * manifest digest (update-precondition-failed: missing, or another image); the range lies inside the image
     * (range-not-satisfiable).
     *
     * @param expectedDigest the 64 lowercase hex digits of the request's If-Match, or null when it named none
     */
    @PermitAll
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public ImageChunk chunk(DeviceAuthentication who, String updateId, String expectedDigest, long first, long last) {
        String deviceId = access.authorize(who, null, "GET update image").id().value();
        Object[] found = isUpdateId(updateId) ? download(updateId) : null;
        ExecutionState state = found == null ? null : (ExecutionState) found[1];
        if (found == null || !deviceId.equals(found[0]) || state == ExecutionState.QUEUED) {
            throw new FirmwareException(ProblemType.UPDATE_UNKNOWN, "this device has no such update");
        }
        count(updateId);
        if (!state.isOpen()) {
            throw new FirmwareException(ProblemType.UPDATE_GONE, "update " + updateId + " has ended (" + state + ")");
        }
        if (found[2] == RolloutState.STOPPED) {
            throw new FirmwareException(ProblemType.UPDATE_GONE, "the rollout of update " + updateId + " was stopped");
        }
        if (found[4] != ReleaseState.APPROVED) {
            throw new FirmwareException(ProblemType.UPDATE_GONE, "the release of update " + updateId + " was revoked");
        }
        String digest = (String) found[5];
        if (expectedDigest == null) {
            throw new FirmwareException(
                    ProblemType.UPDATE_PRECONDITION_FAILED,
                    "If-Match must name the offered image: \"<SHA-256 of its manifest, 64 lowercase hex digits>\"");
        }
        if (!MessageDigest.isEqual(
                expectedDigest.getBytes(StandardCharsets.US_ASCII), digest.getBytes(StandardCharsets.US_ASCII))) {
            throw new FirmwareException(
                    ProblemType.UPDATE_PRECONDITION_FAILED,
                    "the image of update " + updateId + " is not the one If-Match names: restart from offset 0");
        }
        long length = (Long) found[6];
        if (first < 0 || last < first || last - first >= MAX_CHUNK) {
            throw new IllegalArgumentException("a range of 1.." + MAX_CHUNK + " bytes is checked by the caller");
        }
        if (last >= length) {
            throw new RangeNotSatisfiable(
                    length, "bytes " + first + "-" + last + " are not all inside the image of " + length + " bytes");
        }
        byte[] image = image((Long) found[3], digest, length);
        return new ImageChunk(first, last, length, digest, Arrays.copyOfRange(image, (int) first, (int) last + 1));
    }

    /** Chunk requests for the update on this node since it started (0 when none, or no longer counted). */
    /**
     * The release's whole signed image, from memory (read once from the database and checked against the digest
     * and length): the offer takes its manifest and signature block from it. The array is shared: read it only.
     * No role is asked for, as for {@link #chunk}: the device path's callers are authorized by
     * {@link DeviceAccess#authorize} before they get here.
     */
    @PermitAll
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public byte[] signedImage(long releaseId, String manifestDigest, long length) {
        return image(releaseId, manifestDigest, length);
    }

    @RolesAllowed({"admin", "operator", "auditor"})
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public long chunkRequests(String updateId) {
        LongAdder counter = updateId == null ? null : chunkRequests.get(updateId);
        return counter == null ? 0 : counter.sum();
    }

    /** Chunk requests for every update on this node since it started (the metric). */
    @PermitAll
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public long chunkRequests() {
        return allChunkRequests.sum();
    }

    private Object[] download(String updateId) {
        List<Object[]> rows = em.createNamedQuery(UpdateExecution.FIND_DOWNLOAD, Object[].class)
                .setParameter("id", updateId)
                .getResultList();
        return rows.isEmpty() ? null : rows.get(0);
    }

    private void count(String updateId) {
        allChunkRequests.increment();
        LongAdder counter = chunkRequests.get(updateId);
        if (counter == null) {
            synchronized (countedOrder) {
                counter = chunkRequests.get(updateId);
                if (counter == null) {
                    while (countedOrder.size() >= MAX_COUNTED_UPDATES) {
                        chunkRequests.remove(countedOrder.removeFirst());
                    }
                    counter = new LongAdder();
                    chunkRequests.put(updateId, counter);
                    countedOrder.addLast(updateId);
                }
            }
        }
        counter.increment();
    }

    /**
     * The release's image from memory, or read once from the database and checked against the digest and length
     * the release row holds before it is kept (a changed or damaged blob is a server error, never served).
     */
    private byte[] image(long releaseId, String manifestDigest, long length) {
        synchronized (images) {
            byte[] cached = images.get(releaseId);
            if (cached != null) {
                return cached;
            }
        }
        byte[] image = em.createNamedQuery(FirmwareRelease.FIND_IMAGE, byte[].class)
                .setParameter("release", releaseId)
                .getSingleResult();
        if (image.length != length
                || !manifestDigest.equals(FirmwareKeys.hex(FirmwareReleases.sha256(Arrays.copyOf(image, 128))))) {
            throw new IllegalStateException("release " + releaseId + ": stored image differs from its digest");
        }
        synchronized (images) {
            if (images.putIfAbsent(releaseId, image) == null) {
                cachedBytes += image.length;
                var eldest = images.entrySet().iterator();
                while (cachedBytes > CACHE_BYTES && images.size() > 1 && eldest.hasNext()) {
                    byte[] dropped = eldest.next().getValue();
                    eldest.remove();
                    cachedBytes -= dropped.length;
                }
            }
        }
        return image;
    }

    static boolean isUpdateId(String id) {
        return id != null
                && id.length() == 32
                && id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
