package org.devicetrust.web.problem;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A resource method that takes a larger body than {@link BodyLimitFilter#LIMIT} (a firmware image); the filter
 * enforces this limit instead, the same way.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface BodyLimit {
    /** Bytes. */
    int value();
}
