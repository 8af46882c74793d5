package org.devicetrust.web.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.time.Instant;

/** {@code #{time.utc(instant)}} in pages. */
@Named("time")
@ApplicationScoped
public class TimeFormat {

    public String utc(Instant instant) {
        return Durations.utc(instant);
    }

    public String utcMillis(long epochMillis) {
        return Durations.utc(Instant.ofEpochMilli(epochMillis));
    }
}
