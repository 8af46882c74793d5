package org.devicetrust.web.security;

import jakarta.json.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Writes RFC 9457 problem details from places outside JAX-RS (authentication, filters). */
public final class Problems {

    public static final String TYPE_BASE = "urn:devicetrust:problem:";

    private Problems() {
    }

    public static void write(HttpServletResponse response, int status, String type, String title, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(Json.createObjectBuilder()
                .add("type", TYPE_BASE + type)
                .add("title", title)
                .add("status", status)
                .add("detail", detail)
                .build().toString());
    }
}
