package org.devicetrust.web.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;
import org.devicetrust.platform.boundary.DeviceTrustException;

/**
 * Marks every failure of an entity provider while it reads a request body as {@link UnreadableBody}, so the
 * classifier can tell the client's malformed body (400) from a failure of the server. A body over the limit
 * stays {@link BodyTooLargeException} however deep the provider wrapped it; a {@link StackOverflowError} of a
 * recursive parser is a body nested too deeply, not a crash.
 */
@Provider
public class BodyReading implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        try {
            return context.proceed();
        } catch (WebApplicationException | DeviceTrustException | BodyTooLargeException e) {
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
}
