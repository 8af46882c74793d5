package org.devicetrust.platform.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * What every boundary takes from its surroundings instead of making it itself: the clock, the random source and
 * the JCA provider (one BouncyCastle instance, passed explicitly, never registered globally). Injected, so that a
 * unit test hands a boundary a fixed clock.
 */
@ApplicationScoped
public class Environment {

    private final Provider provider = new BouncyCastleProvider();
    private final SecureRandom random = new SecureRandom();

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    SecureRandom random() {
        return random;
    }

    @Produces
    @Singleton
    Provider provider() {
        return provider;
    }
}
