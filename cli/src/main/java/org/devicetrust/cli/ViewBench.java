package org.devicetrust.cli;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.devicetrust.device.control.AuthorizationView;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.pki.entity.RevocationReason;

/**
 * {@code bench view}: the device API's in-memory authorization view at fleet size (default 1,000,000
 * certificates and 1,000,000 devices, 1% revoked), beside the obvious alternative, two ConcurrentHashMaps, in
 * the same process: the heap each retains after a full GC (its own keys included), and the time of one
 * decision's two lookups (p50, p99, max).
 */
final class ViewBench {

    private ViewBench() {}

    static int run(int certificates, int devices) {
        BigInteger[] serials = new BigInteger[certificates];
        String[] ids = new String[devices];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < certificates; i++) {
            serials[i] = new BigInteger(159, new java.util.Random(random.nextLong())).setBit(158);
        }
        for (int i = 0; i < devices; i++) {
            ids[i] = "sensor-" + Long.toHexString(random.nextLong());
        }
        System.out.printf("%,d certificates (1%% revoked), %,d devices%n", certificates, devices);

        long before = usedHeap();
        AuthorizationView view = new AuthorizationView(Duration.ofHours(1), System::nanoTime, certificates, devices);
        long loadStarted = System.nanoTime();
        for (int i = 0; i < certificates; i++) {
            if (i % 100 == 0) {
                view.certificateRevoked(serials[i], Instant.EPOCH, RevocationReason.KEY_COMPROMISE);
            } else {
                view.certificateIssued(serials[i]);
            }
        }
        for (int i = 0; i < devices; i++) {
            view.deviceStatus(new String(ids[i].toCharArray()), DeviceStatus.ACTIVE); // its own copy, as when loaded
        }
        view.loaded(System.nanoTime());
        long loadNanos = System.nanoTime() - loadStarted;
        long viewHeap = usedHeap() - before;
        long[] viewTimes = time(serials, ids, (serial, id) -> {
            view.certificate(serial);
            return view.device(id).isPresent();
        });

        before = usedHeap();
        Map<BigInteger, Byte> certMap = new ConcurrentHashMap<>(certificates);
        Map<String, DeviceStatus> deviceMap = new ConcurrentHashMap<>(devices);
        for (int i = 0; i < certificates; i++) {
            certMap.put(new BigInteger(serials[i].toByteArray()), (byte) (i % 100 == 0 ? 2 : 1));
        }
        for (int i = 0; i < devices; i++) {
            deviceMap.put(new String(ids[i].toCharArray()), DeviceStatus.ACTIVE);
        }
        long mapHeap = usedHeap() - before;
        long[] mapTimes = time(serials, ids, (serial, id) -> certMap.get(serial) != null && deviceMap.get(id) != null);

        System.out.printf(
                "authorization view: heap %.1f MB (tables' own count %.1f MB), loaded in %d ms;"
                        + " decision lookups p50 %d ns, p99 %d ns, max %d us%n",
                viewHeap / 1e6,
                view.footprintBytes() / 1e6,
                loadNanos / 1_000_000,
                viewTimes[0],
                viewTimes[1],
                viewTimes[2] / 1000);
        System.out.printf(
                "reference, two ConcurrentHashMaps: heap %.1f MB; lookups p50 %d ns, p99 %d ns, max %d us%n",
                mapHeap / 1e6, mapTimes[0], mapTimes[1], mapTimes[2] / 1000);
        // keep both alive until measured
        return view.certificateCount() + certMap.size() > 0 ? 0 : 1;
    }

    private interface Lookup {
        boolean decide(BigInteger serial, String id);
    }

    private static long[] time(BigInteger[] serials, String[] ids, Lookup lookup) {
        int samples = 200_000;
        long[] took = new long[samples];
        SplittableRandom random = new SplittableRandom(7);
        int hits = 0;
        for (int warm = 0; warm < 2; warm++) {
            for (int i = 0; i < samples; i++) {
                BigInteger serial = serials[random.nextInt(serials.length)];
                String id = ids[random.nextInt(ids.length)];
                long t0 = System.nanoTime();
                hits += lookup.decide(serial, id) ? 1 : 0;
                took[i] = System.nanoTime() - t0;
            }
        }
        if (hits == 0) {
            throw new IllegalStateException("no lookup found anything");
        }
        Arrays.sort(took);
        return new long[] {took[samples / 2], took[samples * 99 / 100], took[samples - 1]};
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
