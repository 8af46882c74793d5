package org.devicetrust.web.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.devicetrust.platform.boundary.ProblemType;
import org.junit.jupiter.api.Test;

class ErrorPageServletTest {

    @Test
    void aStatusWithACatalogueTypeKeepsIt() {
        assertEquals(ProblemType.NOT_FOUND, ErrorPageServlet.problem(404, null).type());
        assertEquals(
                ProblemType.METHOD_NOT_ALLOWED,
                ErrorPageServlet.problem(405, null).type());
        assertEquals(
                ProblemType.INVALID_REQUEST, ErrorPageServlet.problem(400, null).type());
        assertEquals(
                ProblemType.UNSUPPORTED_MEDIA_TYPE,
                ErrorPageServlet.problem(415, null).type());
        assertEquals(413, ErrorPageServlet.problem(413, null).status());
    }

    @Test
    void otherStatusesBecomeTheCataloguesGeneralTypesWithTheirOneStatus() {
        assertEquals(400, ErrorPageServlet.problem(414, null).status());
        assertEquals(
                ProblemType.INVALID_REQUEST, ErrorPageServlet.problem(431, null).type());
        assertEquals(
                ProblemType.SERVER_ERROR, ErrorPageServlet.problem(502, null).type());
        assertEquals(500, ErrorPageServlet.problem(502, null).status());
    }

    @Test
    void aFailureIsClassifiedAndADirectRequestIsNotFound() {
        assertEquals(
                ProblemType.SERVER_ERROR,
                ErrorPageServlet.problem(500, new IllegalStateException("x")).type());
        assertEquals(ProblemType.NOT_FOUND, ErrorPageServlet.problem(null, null).type());
    }
}
