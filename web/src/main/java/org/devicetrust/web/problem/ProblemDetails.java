package org.devicetrust.web.problem;

import jakarta.json.Json;
import org.devicetrust.platform.boundary.ProblemType;

/**
 * One answer in RFC 9457 problem details: the catalogue entry, its HTTP status, its title and a detail a person
 * can act on. Made by {@link ProblemClassifier}; written by {@link ProblemMapper} (JAX-RS) and
 * {@code Problems} (servlet responses of the authentication mechanism).
 */
public record ProblemDetails(ProblemType type, int status, String title, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public ProblemDetails {
        if (type == null || status != ProblemClassifier.status(type)) {
            throw new IllegalArgumentException("a problem's status comes from the catalogue");
        }
        title = title == null ? type.title() : title;
        detail = detail == null || detail.isBlank() ? title : detail;
    }

    /** The catalogue's status and title with this detail. */
    public static ProblemDetails of(ProblemType type, String detail) {
        return new ProblemDetails(type, ProblemClassifier.status(type), type.title(), detail);
    }

    public String toJson() {
        return Json.createObjectBuilder()
                .add("type", type.uri())
                .add("title", title)
                .add("status", status)
                .add("detail", detail)
                .build()
                .toString();
    }
}
