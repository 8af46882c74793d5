package org.devicetrust.web.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.devicetrust.platform.boundary.ProblemType;
import org.devicetrust.web.problem.InvalidRequest;
import org.junit.jupiter.api.Test;

/** Content negotiation of the device API servlet, as JAX-RS chose variants before. */
class DeviceApiServletTest {

    @Test
    void noAcceptOrAnythingMeansTheFirstOffered() {
        assertEquals("text/plain", DeviceApiServlet.negotiate(null, "text/plain", "application/json"));
        assertEquals("text/plain", DeviceApiServlet.negotiate("", "text/plain", "application/json"));
        assertEquals("text/plain", DeviceApiServlet.negotiate("*/*", "text/plain", "application/json"));
    }

    @Test
    void theHighestQualityWinsAndTheMostSpecificRangeDecidesATypesQuality() {
        assertEquals(
                "application/json", DeviceApiServlet.negotiate("application/json", "text/plain", "application/json"));
        assertEquals(
                "application/json",
                DeviceApiServlet.negotiate("text/plain;q=0.5, application/json", "text/plain", "application/json"));
        assertEquals(
                "text/plain",
                DeviceApiServlet.negotiate("application/*;q=0.2, text/*", "text/plain", "application/json"));
        assertEquals(
                "text/plain",
                DeviceApiServlet.negotiate("*/*;q=0.1, application/json;q=0", "text/plain", "application/json"));
    }

    @Test
    void aHeaderThatTakesNoneOfThemIsNotAcceptable() {
        InvalidRequest refused = assertThrows(
                InvalidRequest.class, () -> DeviceApiServlet.negotiate("application/xml", "application/json"));
        assertEquals(ProblemType.NOT_ACCEPTABLE, refused.problem());
        assertThrows(InvalidRequest.class, () -> DeviceApiServlet.negotiate("text/plain;q=0", "text/plain"));
    }
}
