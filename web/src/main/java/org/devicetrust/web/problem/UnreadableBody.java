package org.devicetrust.web.problem;

/**
 * A request body the entity provider could not turn into the parameter the resource takes (malformed or
 * truncated JSON, a value of the wrong shape, nesting too deep). Raised by {@link BodyReading} only, so that a
 * JSON-B failure while <em>writing</em> a response stays a server error.
 */
public class UnreadableBody extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnreadableBody(Throwable cause) {
        super("request body unreadable", cause, false, false);
    }
}
