package org.devicetrust.pki.boundary;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test only: the openssl CLI as an independent client (CSRs, verification). */
public final class Openssl {

    public record Result(int code, String output) {
    }

    record Csr(byte[] pem) {
    }

    private Openssl() {
    }

    /** A CSR made the way an operator would: {@code openssl req -newkey <algorithm> -pkeyopt <option>}. */
    static Csr csr(String commonName, String algorithm, String keyOption) throws Exception {
        Path dir = Files.createTempDirectory("devicetrust-csr");
        Path key = dir.resolve("key.pem");
        Path csr = dir.resolve("csr.pem");
        Result result = run("req", "-new", "-newkey", algorithm, "-pkeyopt", keyOption, "-nodes", "-keyout",
                key.toString(), "-subj", "/CN=" + commonName, "-out", csr.toString());
        if (result.code() != 0) {
            throw new IllegalStateException("openssl req failed: " + result.output());
        }
        byte[] pem = Files.readAllBytes(csr);
        Files.delete(key);
        Files.delete(csr);
        Files.delete(dir);
        return new Csr(pem);
    }

    public static Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }
}
