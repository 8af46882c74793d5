import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * OCSP load: POSTs the DER requests in a directory round robin from several threads for a number of seconds
 * and prints responses per second and latency percentiles. Usage: java OcspLoad.java URL DIR SECONDS THREADS LABEL
 *
 * <p>Each thread speaks HTTP/1.1 over its own plain socket (TCP_NODELAY, keep-alive), and opens a new
 * connection whenever the server closes one (after every response for {@code openssl ocsp -port}, after a
 * number of requests for Payara): so the figures measure the responders, not an HTTP client library. The
 * first second of each thread is warm-up and is not counted.
 */
public final class OcspLoad {

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        List<byte[]> requests = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(args[1]))) {
            for (Path file : files.sorted().toList()) {
                requests.add(post(url, Files.readAllBytes(file)));
            }
        }
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("no requests in " + args[1]);
        }
        long seconds = Long.parseLong(args[2]);
        int threads = Integer.parseInt(args[3]);
        String label = args[4];
        InetSocketAddress address = new InetSocketAddress(url.getHost(), url.getPort() < 0 ? 80 : url.getPort());
        AtomicLong failures = new AtomicLong();
        AtomicLong connections = new AtomicLong();
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
                Connection connection = null;
                while (System.nanoTime() < end) {
                    byte[] request = requests.get(i++ % requests.size());
                    long start = System.nanoTime();
                    try {
                        if (connection == null) {
                            connection = new Connection(address);
                            connections.incrementAndGet();
                        }
                        Response r = connection.exchange(request);
                        // a successful OCSP response starts 30 xx 0a 01 00 (responseStatus successful)
                        boolean ok = r.status() == 200 && r.bodyLength() >= 8;
                        if (r.close()) {
                            connection.close();
                            connection = null;
                        }
                        if (!ok) {
                            failures.incrementAndGet();
                            continue;
                        }
                    } catch (IOException | RuntimeException e) {
                        failures.incrementAndGet();
                        if (connection != null) {
                            connection.close();
                            connection = null;
                        }
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
                if (connection != null) {
                    connection.close();
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
                "%-44s %8.0f responses/s   p50 %6.2f ms   p99 %7.2f ms   (%d threads, %d connections, %d failed)%n",
                label, rate, pct(all, 0.50), pct(all, 0.99), threads, connections.get(), failures.get());
    }

    /** The whole HTTP/1.1 POST of one DER OCSP request, built once. */
    private static byte[] post(URI url, byte[] der) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + url.getAuthority()
                        + "\r\nContent-Type: application/ocsp-request\r\nContent-Length: " + der.length
                        + "\r\nConnection: keep-alive\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(head, head.length + der.length);
        System.arraycopy(der, 0, request, head.length, der.length);
        return request;
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }

    record Response(int status, int bodyLength, boolean close) {}

    /** One keep-alive connection: writes a request, reads exactly one response (Content-Length bodies only). */
    static final class Connection {
        private static final int MAX_HEAD = 16 * 1024;
        private static final int MAX_BODY = 1 << 20;
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[64 * 1024];
        private int start;
        private int limit;

        Connection(InetSocketAddress address) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(address, 5000);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        Response exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            int headEnd;
            while ((headEnd = find(buffer, start, limit)) < 0) {
                if (limit - start >= MAX_HEAD) {
                    throw new IOException("response head longer than " + MAX_HEAD + " bytes");
                }
                fill();
            }
            String head = new String(buffer, start, headEnd - start, StandardCharsets.ISO_8859_1);
            start = headEnd + 4;
            String[] lines = head.split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x response: " + lines[0]);
            }
            int status = Integer.parseInt(statusLine[1]);
            boolean close = statusLine[0].equals("HTTP/1.0");
            int length = -1;
            for (int l = 1; l < lines.length; l++) {
                String line = lines[l].toLowerCase(Locale.ROOT);
                if (line.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                } else if (line.startsWith("connection:")) {
                    String value = line.substring(11).trim();
                    close = value.contains("close") || (close && !value.contains("keep-alive"));
                }
            }
            if (length < 0) {
                // no length: the body runs to the end of the connection
                int read = 0;
                try {
                    while (true) {
                        read += limit - start;
                        start = limit;
                        fill();
                    }
                } catch (EOFException e) {
                    return new Response(status, read, true);
                }
            }
            if (length > MAX_BODY) {
                throw new IOException("response body of " + length + " bytes");
            }
            int left = length;
            while (left > 0) {
                if (start == limit) {
                    fill();
                }
                int n = Math.min(left, limit - start);
                start += n;
                left -= n;
            }
            return new Response(status, length, close);
        }

        private void fill() throws IOException {
            if (start == limit) {
                start = 0;
                limit = 0;
            } else if (limit == buffer.length) {
                System.arraycopy(buffer, start, buffer, 0, limit - start);
                limit -= start;
                start = 0;
            }
            int n = in.read(buffer, limit, buffer.length - limit);
            if (n < 0) {
                throw new EOFException("connection closed");
            }
            limit += n;
        }

        private static int find(byte[] b, int from, int to) {
            for (int i = from; i + 3 < to; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
