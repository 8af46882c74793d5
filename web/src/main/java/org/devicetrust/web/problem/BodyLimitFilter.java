package org.devicetrust.web.problem;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.devicetrust.platform.boundary.ProblemType;

/**
 * Refuses bodies over 64 KiB (or a resource method's own {@link BodyLimit}): by Content-Length before reading,
 * and by counting for chunked bodies, so that no request can make the server buffer more than the limit.
 */
@Provider
@Priority(Priorities.AUTHENTICATION - 100)
public class BodyLimitFilter implements ContainerRequestFilter {

    public static final int LIMIT = 64 * 1024;

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        int limit = limit();
        if (request.getLength() > limit) {
            request.abortWith(ProblemMapper.problem(
                    ProblemType.BODY_TOO_LARGE, "request bodies are limited to " + limit + " bytes"));
            return;
        }
        if (request.hasEntity()) {
            request.setEntityStream(new Limited(request.getEntityStream(), limit));
        }
    }

    private int limit() {
        if (resource == null || resource.getResourceMethod() == null) {
            return LIMIT;
        }
        BodyLimit own = resource.getResourceMethod().getAnnotation(BodyLimit.class);
        return own == null ? LIMIT : own.value();
    }

    private static final class Limited extends FilterInputStream {
        private final long limit;
        private long count;

        Limited(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            count += n;
            if (count > limit) {
                throw new BodyTooLargeException(limit);
            }
        }
    }
}
