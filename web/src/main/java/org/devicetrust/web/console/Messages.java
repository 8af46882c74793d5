package org.devicetrust.web.console;

import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import org.devicetrust.web.problem.ProblemClassifier;
import org.devicetrust.web.problem.ProblemDetails;

/** Turns outcomes into messages a person can act on; never a stack trace. */
final class Messages {

    private Messages() {}

    static void info(String text) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO, text, null));
    }

    static void error(String text) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, text, null));
    }

    /** A refusal from a boundary: its own message for the refusals it names, a generic one otherwise. */
    static void failure(String what, RuntimeException e) {
        error(what + ": " + describe(e));
    }

    /** What the API would answer, in the console's words: the same classifier decides. */
    static String describe(Throwable e) {
        ProblemDetails problem = ProblemClassifier.classify(e);
        return switch (problem.type()) {
            case FORBIDDEN -> "your role does not allow this";
            case SERVER_ERROR -> problem.detail() + "; the details are in the server log";
            default -> problem.detail();
        };
    }
}
