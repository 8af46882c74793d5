import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * DeviceTrust benchmark: where a device request's server CPU goes, from a JFR recording of the server taken
 * while the load generator drove it. Each execution sample is put in one category by its stack: audit or
 * database when any frame is in that code (the whole call below it counts), otherwise the innermost frame of
 * a known kind (TLS and crypto, the application, the server framework, network I/O). Samples of threads
 * running Conscrypt's native code (JFR's native-method samples, taken half as often) count as TLS. The
 * server's measured CPU time, without the JIT compiler and GC threads, is split by these shares and divided
 * by the requests served in the recording. Figures only.
 *
 * java CpuBreakdown.java RECORDING.jfr REQUESTS JAVA_THREADS_CPU_MS JIT_GC_CPU_MS
 */
public class CpuBreakdown {

    private static final String AUDIT = "audit (hash chain, counts)";
    private static final String DATABASE = "database (JDBC, JPA, pool)";
    private static final String TLS = "TLS and crypto (JSSE, EC, provider)";
    private static final String APP = "DeviceTrust decision and servlet";
    private static final String FRAMEWORK = "framework (Grizzly, Catalina, EJB, CDI)";
    private static final String IO = "network I/O (NIO)";
    private static final String OTHER = "other (JDK, JFR, idle work)";

    public static void main(String[] a) throws Exception {
        long requests = Long.parseLong(a[1]);
        double javaCpuMs = Double.parseDouble(a[2]);
        double jitGcCpuMs = Double.parseDouble(a[3]);
        Map<String, Double> weight = new LinkedHashMap<>();
        for (String c : List.of(TLS, FRAMEWORK, DATABASE, AUDIT, APP, IO, OTHER)) {
            weight.put(c, 0.0);
        }
        double total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(a[0]))) {
            String type = e.getEventType().getName();
            if (e.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            String category;
            double w;
            if (type.equals("jdk.ExecutionSample")) {
                category = classify(frames);
                w = 1;
            } else if (type.equals("jdk.NativeMethodSample")
                    && !frames.isEmpty()
                    && name(frames.get(0)).startsWith("org.conscrypt.")) {
                category =
                        TLS; // running BoringSSL, not waiting: native samples come every 20 ms, Java ones every 10 ms
                w = 2;
            } else {
                continue;
            }
            weight.merge(category, w, Double::sum);
            total += w;
        }
        if (total == 0 || requests == 0) {
            System.out.println("  no samples or no requests in the recording");
            return;
        }
        System.out.printf(
                "  %.0f CPU samples, %d requests; server CPU per request %.0f us (threads running Java %.0f us,"
                        + " JIT compiler and GC %.0f us)%n",
                total,
                requests,
                (javaCpuMs + jitGcCpuMs) * 1000 / requests,
                javaCpuMs * 1000 / requests,
                jitGcCpuMs * 1000 / requests);
        for (Map.Entry<String, Double> c : weight.entrySet()) {
            double share = c.getValue() / total;
            System.out.printf(
                    "  %-42s %5.1f %%  %7.0f us per request%n",
                    c.getKey(), 100 * share, share * javaCpuMs * 1000 / requests);
        }
    }

    private static String classify(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String n = name(f);
            if (n.startsWith("org.devicetrust.audit.")) {
                return AUDIT;
            }
        }
        for (RecordedFrame f : frames) {
            String n = name(f);
            if (n.startsWith("org.postgresql.")
                    || n.startsWith("org.eclipse.persistence.")
                    || n.startsWith("com.sun.gjc.")
                    || n.startsWith("com.sun.enterprise.resource.")
                    || n.startsWith("java.sql.")
                    || n.startsWith("org.h2.")) {
                return DATABASE;
            }
        }
        for (RecordedFrame f : frames) { // innermost frame of a known kind
            String n = name(f);
            if (n.startsWith("sun.security.")
                    || n.startsWith("com.sun.crypto.")
                    || n.startsWith("javax.crypto.")
                    || n.startsWith("javax.net.ssl.")
                    || n.startsWith("java.security.")
                    || n.startsWith("org.conscrypt.")
                    || n.startsWith("org.bouncycastle.")
                    || n.startsWith("org.glassfish.grizzly.ssl.")) {
                return TLS;
            }
            if (n.startsWith("org.devicetrust.")) {
                return APP;
            }
            if (n.startsWith("org.glassfish.")
                    || n.startsWith("org.apache.")
                    || n.startsWith("com.sun.enterprise.")
                    || n.startsWith("com.sun.ejb.")
                    || n.startsWith("org.jboss.weld.")
                    || n.startsWith("fish.payara.")
                    || n.startsWith("jakarta.")
                    || n.startsWith("com.sun.web.")
                    || n.startsWith("org.hibernate.")) {
                return FRAMEWORK;
            }
            if (n.startsWith("sun.nio.") || n.startsWith("java.nio.")) {
                return IO;
            }
        }
        return OTHER;
    }

    private static String name(RecordedFrame f) {
        return f.getMethod() == null ? "" : f.getMethod().getType().getName();
    }
}
