package org.devicetrust.web.problem;

public class BodyTooLargeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BodyTooLargeException(long limit) {
        super("request bodies are limited to " + limit + " bytes");
    }
}
