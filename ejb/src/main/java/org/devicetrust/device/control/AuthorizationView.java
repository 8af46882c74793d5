package org.devicetrust.device.control;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.pki.entity.RevocationReason;
import org.devicetrust.pki.entity.RevocationStatus;

/**
 * What the device API decides from on every request: the status of every certificate the Device CA issued
 * and of every registered device, held in memory. The database stays the source of truth; this view follows
 * it (changes made on this node are applied at once, changes from other nodes arrive from a change feed) and
 * answers only while it can prove it is fresh: every answer is given within {@code maxStaleness} of a moment
 * at which the view had everything the database had committed. Otherwise the lookup throws {@link Stale} and
 * the request is refused with 503: the view never allows on old data.
 *
 * <p>Thread-safe: any number of readers, writers serialized by the structures underneath.
 */
public final class AuthorizationView {

    /** The view cannot prove that it is fresh (not loaded yet, or the change feed could not be read). */
    public static final class Stale extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stale(String message) {
            super(message);
        }
    }

    private final long maxStalenessNanos;
    private final LongSupplier nanoClock;
    private final IssuedSerials serials;
    private final Map<BigInteger, RevocationStatus> revocations = new ConcurrentHashMap<>();
    private final DeviceStates devices;
    private volatile boolean loaded;
    private volatile long confirmedAt;

    /**
     * @param maxStaleness the oldest a confirmation may be for the view to answer
     * @param nanoClock    monotonic time ({@code System::nanoTime} in production)
     * @param certificates how many certificates to make room for at once
     * @param deviceCount  how many devices to make room for at once
     */
    public AuthorizationView(Duration maxStaleness, LongSupplier nanoClock, int certificates, int deviceCount) {
        if (maxStaleness.isNegative() || maxStaleness.isZero()) {
            throw new IllegalArgumentException("maxStaleness must be positive");
        }
        this.maxStalenessNanos = maxStaleness.toNanos();
        this.nanoClock = nanoClock;
        this.serials = new IssuedSerials(certificates);
        this.devices = new DeviceStates(deviceCount);
    }

    /** A certificate the CA issued (good until revoked; a later "issued" never undoes a revocation). */
    public void certificateIssued(BigInteger serial) {
        serials.put(serial, IssuedSerials.GOOD);
    }

    public void certificateRevoked(BigInteger serial, Instant revokedAt, RevocationReason reason) {
        revocations.put(serial, new RevocationStatus(RevocationStatus.State.REVOKED, revokedAt, reason));
        serials.put(serial, IssuedSerials.REVOKED);
    }

    /** A device's status from a snapshot; {@code null} when it is no longer registered. */
    public void deviceStatus(String deviceId, DeviceStatus status) {
        devices.put(deviceId, status);
    }

    /**
     * A device's status as change {@code sequence} of the change feed set it; ignored when the device already
     * shows a later change.
     */
    public void deviceStatus(String deviceId, DeviceStatus status, long sequence) {
        devices.put(deviceId, status, sequence);
    }

    /**
     * Declares the initial load complete and the view fresh as of {@code startedAt}, the time read before
     * the load's first query began.
     */
    public void loaded(long startedAt) {
        loaded = true;
        confirm(startedAt);
    }

    /**
     * Declares that everything the database had committed at {@code startedAt} (the time read just before
     * the change-feed query that found it began) has been applied. Times only move forward.
     */
    public void confirm(long startedAt) {
        synchronized (this) {
            if (startedAt - confirmedAt > 0 || confirmedAt == 0) {
                confirmedAt = startedAt;
            }
        }
    }

    /** Whether lookups answer now. */
    public boolean fresh() {
        return loaded && nanoClock.getAsLong() - confirmedAt <= maxStalenessNanos;
    }

    /** How old the last confirmation is, or empty before the first load completed. */
    public Optional<Duration> age() {
        return loaded ? Optional.of(Duration.ofNanos(nanoClock.getAsLong() - confirmedAt)) : Optional.empty();
    }

    /**
     * The revocation status of one of this CA's certificates: {@code UNKNOWN} for a serial it never issued.
     *
     * @throws Stale when the view cannot prove it is fresh
     */
    public RevocationStatus certificate(BigInteger serial) {
        requireFresh();
        byte state = serials.state(serial);
        if (state == IssuedSerials.REVOKED) {
            RevocationStatus status = revocations.get(serial);
            return status != null ? status : new RevocationStatus(RevocationStatus.State.REVOKED, null, null);
        }
        RevocationStatus answer = state == IssuedSerials.GOOD ? RevocationStatus.GOOD : RevocationStatus.UNKNOWN;
        // the answer is used after this read: a thread held up between the check and the read must not answer late
        requireFresh();
        return answer;
    }

    /**
     * The device's status, or empty when it is not registered.
     *
     * @throws Stale when the view cannot prove it is fresh
     */
    public Optional<DeviceStatus> device(String deviceId) {
        requireFresh();
        Optional<DeviceStatus> status = devices.status(deviceId);
        requireFresh();
        return status;
    }

    public int certificateCount() {
        return serials.size();
    }

    public int deviceCount() {
        return devices.size();
    }

    /** Heap held by the view's tables, in bytes: the arrays as allocated, revocation details at 120 bytes each. */
    public long footprintBytes() {
        return serials.footprintBytes() + devices.footprintBytes() + revocations.size() * 120L;
    }

    private void requireFresh() {
        if (!loaded) {
            throw new Stale("the authorization view is still loading");
        }
        long age = nanoClock.getAsLong() - confirmedAt;
        if (age > maxStalenessNanos) {
            throw new Stale("the authorization view was last confirmed " + age / 1_000_000 + " ms ago (bound "
                    + maxStalenessNanos / 1_000_000 + " ms)");
        }
    }
}
