package org.devicetrust.web.console;

import jakarta.ejb.EJBAccessException;
import jakarta.ejb.EJBException;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import org.devicetrust.platform.boundary.DeviceTrustException;

/** Turns outcomes into messages a person can act on; never a stack trace. */
final class Messages {

    private Messages() {
    }

    static void info(String text) {
        FacesContext.getCurrentInstance().addMessage(null,
                new FacesMessage(FacesMessage.SEVERITY_INFO, text, null));
    }

    static void error(String text) {
        FacesContext.getCurrentInstance().addMessage(null,
                new FacesMessage(FacesMessage.SEVERITY_ERROR, text, null));
    }

    /** A refusal from a boundary: its own message for the refusals it names, a generic one otherwise. */
    static void failure(String what, RuntimeException e) {
        error(what + ": " + describe(e));
    }

    static String describe(Throwable e) {
        Throwable cause = e;
        while (cause instanceof EJBException && cause.getCause() != null
                && !(cause instanceof EJBAccessException)) {
            cause = cause.getCause();
        }
        if (cause instanceof EJBAccessException || cause instanceof SecurityException) {
            return "your role does not allow this";
        }
        if (cause instanceof DeviceTrustException || cause instanceof IllegalArgumentException) {
            return cause.getMessage();
        }
        return "the server could not complete it; the details are in the server log";
    }
}
