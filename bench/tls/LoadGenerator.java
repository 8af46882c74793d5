import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * DeviceTrust TLS load generator: one HTTP request per TLS connection, against any server, so the device API
 * and an OpenSSL reference server are measured by the same client. Modes: "full" (every connection does a
 * full mutual-TLS handshake: the session is invalidated after use) and "resume" (connections resume the
 * first session). Prints requests/s and latency percentiles; never fails on time.
 *
 * java LoadGenerator.java LABEL HOST PORT PATH CLIENT.p12 P12PASSWORD ROOT.pem full|resume TLSv1.3|TLSv1.2 THREADS SECONDS
 */
public class LoadGenerator {

    public static void main(String[] a) throws Exception {
        String label = a[0], host = a[1], path = a[3];
        int port = Integer.parseInt(a[2]);
        boolean resume = a[7].equals("resume");
        String protocol = a[8];
        int threads = Integer.parseInt(a[9]);
        long seconds = Long.parseLong(a[10]);

        char[] password = a[5].toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(a[4]))) {
            keys.load(in, password);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(a[6]))) {
            trust.setCertificateEntry("root", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/plain\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

        // warm-up (JIT on both sides, and the session to resume)
        long warmUntil = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warmUntil) {
            once(context, host, port, protocol, request, !resume);
        }

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong errors = new AtomicLong();
        List<long[]> perThread = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        int[] counts = new int[threads];
        for (int t = 0; t < threads; t++) {
            long[] latencies = new long[2_000_000];
            perThread.add(latencies);
            int index = t;
            Thread worker = new Thread(() -> {
                int n = 0;
                while (running.get()) {
                    long started = System.nanoTime();
                    try {
                        if (once(context, host, port, protocol, request, !resume)) {
                            if (n < latencies.length) {
                                latencies[n++] = System.nanoTime() - started;
                            }
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
                counts[index] = n;
            });
            workers.add(worker);
        }
        long started = System.nanoTime();
        workers.forEach(Thread::start);
        Thread.sleep(seconds * 1000);
        running.set(false);
        for (Thread w : workers) {
            w.join();
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(perThread.get(t), 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        System.out.printf("%-44s %7.0f req/s   p50 %6.2f ms   p99 %6.2f ms   (%d requests, %d errors, %d threads, %.0f s)%n",
                label, total / elapsed, pct(all, 0.50), pct(all, 0.99), total, errors.get(), threads, elapsed);
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)] / 1e6;
    }

    /** One connection, one request; true when the answer is HTTP 200. */
    private static boolean once(SSLContext context, String host, int port, String protocol, byte[] request,
            boolean invalidate) throws Exception {
        try (Socket plain = new Socket()) {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), 10_000);
            plain.setSoTimeout(30_000);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true)) {
                socket.setEnabledProtocols(new String[] {protocol});
                var parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                byte[] answer = socket.getInputStream().readAllBytes();
                if (invalidate) {
                    socket.getSession().invalidate();
                }
                String head = new String(answer, 0, Math.min(answer.length, 16), StandardCharsets.US_ASCII);
                return head.startsWith("HTTP/1.1 200") || head.startsWith("HTTP/1.0 200");
            }
        }
    }
}
