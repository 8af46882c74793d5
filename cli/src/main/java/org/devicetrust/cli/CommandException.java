package org.devicetrust.cli;

/** A failure a person can act on: printed as one line, never as a stack trace. */
public class CommandException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CommandException(String message) {
        this(message, 1);
    }

    public CommandException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
