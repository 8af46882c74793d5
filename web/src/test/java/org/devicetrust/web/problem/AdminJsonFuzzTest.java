package org.devicetrust.web.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.devicetrust.web.admin.BulkRevocationRequest;
import org.devicetrust.web.admin.DeviceRegistrationRequest;
import org.devicetrust.web.admin.DeviceStatusRequest;
import org.devicetrust.web.admin.RevocationRequest;

/**
 * Hostile JSON into the admin API's request types, read the way the server reads them: JSON-B (Yasson, as in
 * Payara) behind {@link BodyReading}. Each body either becomes a request whose fields have their declared
 * types, or fails with an exception the classifier answers as 400 {@code json-invalid} (413 when over the
 * limit): never a 500, never a {@code StackOverflowError} that escapes.
 */
class AdminJsonFuzzTest {

    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final List<Class<?>> TYPES = List.of(
            DeviceRegistrationRequest.class,
            DeviceStatusRequest.class,
            RevocationRequest.class,
            BulkRevocationRequest.class);

    @FuzzTest(maxDuration = "10s")
    void bodyBecomesATypedRequestOrA400(FuzzedDataProvider data) {
        Class<?> type = TYPES.get(data.consumeInt(0, TYPES.size() - 1));
        byte[] body = data.consumeRemainingAsBytes();
        Object request;
        try {
            request = new BodyReading().aroundReadFrom(new Reading(type, body));
        } catch (Throwable thrown) {
            ProblemDetails problem = ProblemClassifier.classify(thrown);
            assertTrue(
                    problem.status() == 400 || problem.status() == 413,
                    () -> "answered " + problem.status() + " for " + thrown);
            return;
        }
        if (request instanceof BulkRevocationRequest bulk && bulk.serials() != null) {
            for (Object serial : bulk.serials()) {
                assertTrue(serial == null || serial instanceof String, "serials are strings");
            }
        }
        if (request != null) {
            assertEquals(type, request.getClass());
        }
    }

    /** What the JAX-RS runtime hands the interceptor: the body and the target type; proceed() is JSON-B. */
    private static final class Reading implements ReaderInterceptorContext {
        private final Class<?> type;
        private InputStream body;

        Reading(Class<?> type, byte[] body) {
            this.type = type;
            this.body = new ByteArrayInputStream(body);
        }

        @Override
        public Object proceed() {
            return JSONB.fromJson(body, type);
        }

        @Override
        public InputStream getInputStream() {
            return body;
        }

        @Override
        public void setInputStream(InputStream is) {
            body = is;
        }

        @Override
        public MultivaluedMap<String, String> getHeaders() {
            return new MultivaluedHashMap<>();
        }

        @Override
        public Object getProperty(String name) {
            return null;
        }

        @Override
        public Collection<String> getPropertyNames() {
            return Set.of();
        }

        @Override
        public void setProperty(String name, Object object) {}

        @Override
        public void removeProperty(String name) {}

        @Override
        public Annotation[] getAnnotations() {
            return new Annotation[0];
        }

        @Override
        public void setAnnotations(Annotation[] annotations) {}

        @Override
        public Class<?> getType() {
            return type;
        }

        @Override
        public void setType(Class<?> type) {}

        @Override
        public Type getGenericType() {
            return type;
        }

        @Override
        public void setGenericType(Type genericType) {}

        @Override
        public MediaType getMediaType() {
            return MediaType.APPLICATION_JSON_TYPE;
        }

        @Override
        public void setMediaType(MediaType mediaType) {}
    }
}
