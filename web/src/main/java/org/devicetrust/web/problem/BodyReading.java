package org.devicetrust.web.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.Locale;
import org.devicetrust.platform.boundary.DeviceTrustException;

/**
 * Checks a JSON body's shape first ({@link JsonShape}: one value, bounded depth), then marks every failure of
 * an entity provider while it reads a request body as {@link UnreadableBody}, so the
 * classifier can tell the client's malformed body (400) from a failure of the server. A body over the limit
 * stays {@link BodyTooLargeException} however deep the provider wrapped it; a {@link StackOverflowError} of a
 * recursive parser is a body nested too deeply, not a crash.
 */
@Provider
public class BodyReading implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        try {
            if (isJson(context.getMediaType()) && boundFromJson(context.getType())) {
                byte[] body = context.getInputStream().readAllBytes();
                if (body.length > 0) {
                    String shape = JsonShape.check(body);
                    if (shape != null) {
                        throw new UnreadableBody(new IllegalArgumentException(shape));
                    }
                }
                context.setInputStream(new ByteArrayInputStream(body));
            }
            return context.proceed();
        } catch (WebApplicationException | DeviceTrustException | BodyTooLargeException | UnreadableBody e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            BodyTooLargeException tooLarge = ProblemClassifier.cause(e, BodyTooLargeException.class);
            if (tooLarge != null) {
                throw tooLarge;
            }
            throw new UnreadableBody(e);
        } catch (IOException e) {
            BodyTooLargeException tooLarge = ProblemClassifier.cause(e, BodyTooLargeException.class);
            if (tooLarge != null) {
                throw tooLarge;
            }
            throw e;
        }
    }

    /**
     * Whether JSON-B will bind the body; a resource that takes the raw body (bytes, text, a stream) checks its
     * media type and content itself, and a wrong Content-Type there stays its 415.
     */
    static boolean boundFromJson(Class<?> type) {
        return type != byte[].class
                && type != String.class
                && !InputStream.class.isAssignableFrom(type)
                && !Reader.class.isAssignableFrom(type);
    }

    /** JSON bodies (application/json and any +json type) are checked for shape before they are bound. */
    static boolean isJson(MediaType type) {
        return type != null
                && ("json".equalsIgnoreCase(type.getSubtype())
                        || type.getSubtype().toLowerCase(Locale.ROOT).endsWith("+json"));
    }
}
