package org.devicetrust.web.console;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityHeadersFilterTest {

    /** A request to https://console.example:8181 carrying the given headers. */
    private static HttpServletRequest request(Map<String, String> headers) {
        return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> headers.get((String) args[0]);
                    case "getScheme" -> "https";
                    case "getServerName" -> "console.example";
                    case "getServerPort" -> 8181;
                    default -> null;
                });
    }

    @Test
    void sameOriginFetchMetadataIsAccepted() {
        assertFalse(SecurityHeadersFilter.isCrossSite(request(Map.of("Sec-Fetch-Site", "same-origin"))));
    }

    @Test
    void crossSiteFetchMetadataIsRefused() {
        assertTrue(SecurityHeadersFilter.isCrossSite(request(Map.of("Sec-Fetch-Site", "cross-site"))));
        assertTrue(SecurityHeadersFilter.isCrossSite(request(Map.of("Sec-Fetch-Site", "same-site"))));
    }

    @Test
    void originOfAnotherHostOrPortIsRefused() {
        assertTrue(SecurityHeadersFilter.isCrossSite(request(Map.of("Origin", "https://evil.example"))));
        assertTrue(SecurityHeadersFilter.isCrossSite(request(Map.of("Origin", "https://console.example:8443"))));
        assertTrue(SecurityHeadersFilter.isCrossSite(request(Map.of("Origin", "http://console.example:8181"))));
        assertTrue(SecurityHeadersFilter.isCrossSite(request(Map.of("Origin", "null"))));
    }

    @Test
    void ownOriginOrNoBrowserHeadersAreAccepted() {
        assertFalse(SecurityHeadersFilter.isCrossSite(request(Map.of("Origin", "https://console.example:8181"))));
        assertFalse(SecurityHeadersFilter.isCrossSite(request(Map.of())));
    }

    @Test
    void pagePolicyLeavesScriptsToThePrimeFacesNoncePolicy() {
        assertFalse(SecurityHeadersFilter.FACES_PAGE_POLICY.contains("script-src"));
        assertFalse(SecurityHeadersFilter.FACES_PAGE_POLICY.contains("default-src"));
        assertTrue(SecurityHeadersFilter.FACES_PAGE_POLICY.contains("frame-ancestors 'none'"));
        assertTrue(SecurityHeadersFilter.STRICT_POLICY.contains("script-src 'self'"));
    }
}
