import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * OCSP load: POSTs the DER requests in a directory round robin from several threads for a number of seconds
 * and prints responses per second and latency percentiles. Usage: java OcspLoad.java URL DIR SECONDS THREADS LABEL
 */
public final class OcspLoad {
    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        List<byte[]> requests = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(args[1]))) {
            for (Path file : files.sorted().toList()) {
                requests.add(Files.readAllBytes(file));
            }
        }
        long seconds = Long.parseLong(args[2]);
        int threads = Integer.parseInt(args[3]);
        String label = args[4];
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        AtomicLong failures = new AtomicLong();
        long[][] latencies = new long[threads][];
        int[] counts = new int[threads];
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long warmEnd = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            latencies[t] = new long[1 << 16];
            workers[t] = new Thread(() -> {
                int i = id;
                while (System.nanoTime() < end) {
                    byte[] body = requests.get(i++ % requests.size());
                    long start = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = client.send(
                                HttpRequest.newBuilder(url)
                                        .timeout(Duration.ofSeconds(10))
                                        .header("Content-Type", "application/ocsp-request")
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        // a successful OCSP response starts 30 xx 0a 01 00 (responseStatus successful)
                        if (r.statusCode() != 200 || r.body().length < 8) {
                            failures.incrementAndGet();
                            continue;
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        continue;
                    }
                    if (start < warmEnd) {
                        continue;
                    }
                    if (counts[id] == latencies[id].length) {
                        latencies[id] = Arrays.copyOf(latencies[id], counts[id] * 2);
                    }
                    latencies[id][counts[id]++] = System.nanoTime() - start;
                }
            });
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int k = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(latencies[t], 0, all, k, counts[t]);
            k += counts[t];
        }
        Arrays.sort(all);
        double rate = total / (double) (seconds - 1);
        System.out.printf(
                "%-44s %8.0f responses/s   p50 %6.2f ms   p99 %7.2f ms   (%d threads, %d failed)%n",
                label, rate, pct(all, 0.50), pct(all, 0.99), threads, failures.get());
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }
}
