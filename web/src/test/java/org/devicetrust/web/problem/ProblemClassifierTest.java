package org.devicetrust.web.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ejb.AccessLocalException;
import jakarta.ejb.EJBAccessException;
import jakarta.ejb.EJBException;
import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonParsingException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.devicetrust.enrollment.boundary.EnrollmentException;
import org.devicetrust.pki.boundary.PkiException;
import org.devicetrust.platform.boundary.ProblemType;
import org.junit.jupiter.api.Test;

class ProblemClassifierTest {

    @Test
    void aRefusalIsItsCatalogueEntryWithItsMessageEvenInsideTheContainersWrapper() {
        ProblemDetails p = ProblemClassifier.classify(new EJBException(new PkiException.UnknownSerial("no such")));
        assertEquals(ProblemType.SERIAL_UNKNOWN, p.type());
        assertEquals(404, p.status());
        assertEquals("no such", p.detail());
        assertEquals(ProblemType.SERIAL_UNKNOWN.title(), p.title());
    }

    @Test
    void aRevokedCertificateIs401OnEveryPath() {
        ProblemDetails est = ProblemClassifier.classify(
                new EnrollmentException.CertificateRefused("certificate-revoked", "revoked"));
        assertEquals(401, est.status());
        assertEquals(ProblemType.CERTIFICATE_REVOKED, est.type());
    }

    @Test
    void aStrayIllegalArgumentIsAServerErrorWithAnIncidentAndWithoutItsMessage() {
        ProblemDetails p = ProblemClassifier.classify(new IllegalArgumentException("internal detail 42"));
        assertEquals(ProblemType.SERVER_ERROR, p.type());
        assertEquals(500, p.status());
        assertTrue(p.detail().contains("incident"), p.detail());
        assertFalse(p.detail().contains("internal detail"), p.detail());
    }

    @Test
    void aStackOverflowIsAPlainServerError() {
        ProblemDetails p = ProblemClassifier.classify(new EJBException(new RuntimeException(new StackOverflowError())));
        assertEquals(ProblemType.SERVER_ERROR, p.type());
        assertEquals(500, p.status());
    }

    @Test
    void aBodyOverTheLimitIs413HoweverDeepItIsWrapped() {
        ProblemDetails p = ProblemClassifier.classify(new UnreadableBody(new JsonbException(
                "read failed", new UncheckedIOException(new java.io.IOException(new BodyTooLargeException(65536))))));
        assertEquals(ProblemType.BODY_TOO_LARGE, p.type());
        assertEquals(413, p.status());
    }

    @Test
    void aBodyThatIsNotTheJsonTheRequestTakesIs400() {
        ProblemDetails p = ProblemClassifier.classify(new UnreadableBody(new JsonbException("Unable to deserialize "
                + "property 'id' because of: Cannot deserialize JSON array into org.devicetrust.Secret")));
        assertEquals(ProblemType.JSON_INVALID, p.type());
        assertEquals(400, p.status());
        assertFalse(p.detail().contains("org.devicetrust"), "no class names to the client: " + p.detail());
        assertEquals(
                400,
                ProblemClassifier.classify(new UnreadableBody(new StackOverflowError()))
                        .status());
        assertEquals(
                400,
                ProblemClassifier.classify(new RuntimeException(new JsonParsingException("unexpected end", null)))
                        .status());
    }

    @Test
    void aJsonFailureOutsideRequestReadingIsTheServersFault() {
        assertEquals(
                500,
                ProblemClassifier.classify(new JsonbException("cannot serialize"))
                        .status());
    }

    @Test
    void aRoleTheCallerLacksIsForbidden() {
        ProblemDetails p = ProblemClassifier.classify(new EJBAccessException("denied"));
        assertEquals(ProblemType.FORBIDDEN, p.type());
        assertEquals(403, p.status());
        // Payara's refusal on a no-interface view, wrapped as the container may wrap it
        ProblemDetails local = ProblemClassifier.classify(new EJBException(
                new AccessLocalException("Client not authorized for this invocation", new RuntimeException())));
        assertEquals(ProblemType.FORBIDDEN, local.type());
        assertEquals(403, local.status());
    }

    @Test
    void anUnreachableDatabaseIsUnavailableNotAnError() {
        assertEquals(
                ProblemType.DATABASE_UNAVAILABLE,
                ProblemClassifier.classify(new EJBException(
                                new RuntimeException(new SQLTransientConnectionException("pool exhausted"))))
                        .type());
        assertEquals(
                503,
                ProblemClassifier.classify(new RuntimeException(new SQLException("connection refused", "08001")))
                        .status());
        assertEquals(
                500,
                ProblemClassifier.classify(new RuntimeException(new SQLException("value too long", "22001")))
                        .status());
    }

    @Test
    void everyCatalogueEntryHasOneStatusOfItsFamily() {
        for (ProblemType type : ProblemType.values()) {
            int status = ProblemClassifier.status(type);
            assertEquals(status, ProblemDetails.of(type, "x").status());
            assertTrue(status >= 400 && status < 600, type + " " + status);
            assertEquals(
                    type.type().equals("server-error") || type.kind().name().equals("UNAVAILABLE"),
                    status >= 500,
                    type + " " + status);
        }
    }

    @Test
    void aStatusChosenByHandIsRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new ProblemDetails(ProblemType.DEVICE_UNKNOWN, 403, "Unknown device", "x"));
    }
}
