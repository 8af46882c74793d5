package org.devicetrust.device.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.devicetrust.device.control.AuthorizationFollower;
import org.devicetrust.device.control.AuthorizationView;
import org.devicetrust.platform.entity.AuthorizationChange;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This node's authorization view and the poller that keeps it level with the database. Loads at start-up in
 * the background (device requests get 503 until it is loaded), then reads the change feed every
 * {@code devicetrust.authorization.poll-ms}; changes committed on this node are applied at once, in the
 * commit, before the call that made them returns. When the database cannot be read for longer than
 * {@code devicetrust.authorization.max-staleness-ms} the view refuses to answer, and answers again after the
 * first good poll: no restart.
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class AuthorizationViews {

    private static final Logger LOG = Logger.getLogger(AuthorizationViews.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    @EJB
    AuthorizationFeed feed;

    @Inject
    @ConfigProperty(name = "devicetrust.authorization.max-staleness-ms", defaultValue = "1000")
    long maxStalenessMillis;

    @Inject
    @ConfigProperty(name = "devicetrust.authorization.poll-ms", defaultValue = "200")
    long pollMillis;

    /** Longer than any transaction that writes the feed may stay open; feed rows are kept 10 times as long. */
    @Inject
    @ConfigProperty(name = "devicetrust.authorization.gap-wait-s", defaultValue = "120")
    long gapWaitSeconds;

    @Inject
    Clock clock;

    private volatile AuthorizationView view;
    private volatile AuthorizationFollower follower;
    private volatile ScheduledFuture<?> polling;
    private volatile String lastFailure;
    private volatile long lastPruneMillis;

    @PostConstruct
    void start() {
        view = new AuthorizationView(Duration.ofMillis(maxStalenessMillis), System::nanoTime, 1 << 16, 1 << 16);
        follower = new AuthorizationFollower(
                view,
                new AuthorizationFollower.Feed() {
                    @Override
                    public long settledUpTo(Instant before) {
                        return feed.settledUpTo(before);
                    }

                    @Override
                    public void loadAll(AuthorizationView into) {
                        feed.loadAll(into, clock.instant());
                    }

                    @Override
                    public List<AuthorizationFollower.Change> after(long after, int max) {
                        return feed.after(after, max);
                    }

                    @Override
                    public List<AuthorizationFollower.Change> among(List<Long> sequences) {
                        return feed.among(sequences);
                    }
                },
                System::nanoTime,
                Duration.ofSeconds(gapWaitSeconds));
        polling = scheduler.scheduleWithFixedDelay(this::tick, 0, pollMillis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        ScheduledFuture<?> running = polling;
        if (running != null) {
            running.cancel(false);
        }
    }

    /** The view that device requests are decided from. */
    public AuthorizationView view() {
        return view;
    }

    /** The view's state for health checks and metrics, read without going through a lookup. */
    public record Freshness(boolean fresh, Optional<Duration> age, int certificates, int devices, String lastFailure) {}

    public Freshness freshness() {
        return new Freshness(view.fresh(), view.age(), view.certificateCount(), view.deviceCount(), lastFailure);
    }

    /** Why the last poll did not confirm the view, or null when it did. */
    public String lastFailure() {
        return lastFailure;
    }

    /** Applies a change committed on this node, during its commit. */
    public void committed(@Observes(during = TransactionPhase.AFTER_SUCCESS) AuthorizationChange change) {
        follower.applyCommitted(AuthorizationFeed.change(change));
    }

    private void tick() {
        try {
            long started = System.nanoTime();
            boolean loading = !view.age().isPresent();
            AuthorizationFollower.Poll poll = loading ? follower.load(clock.instant()) : follower.poll();
            if (loading && poll.confirmed()) {
                LOG.info(() -> String.format(
                        "DeviceTrust: authorization view loaded: %d certificates, %d devices," + " %.1f MB, in %d ms",
                        view.certificateCount(),
                        view.deviceCount(),
                        view.footprintBytes() / 1e6,
                        (System.nanoTime() - started) / 1_000_000));
            }
            report(poll.failure());
            pruneNowAndThen();
        } catch (RuntimeException e) {
            report(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void report(String failure) {
        String previous = lastFailure;
        lastFailure = failure;
        if (failure != null && previous == null) {
            LOG.warning("DeviceTrust: the authorization view cannot follow the database (" + failure
                    + "); device requests are refused with 503 once it is " + maxStalenessMillis + " ms old");
        } else if (failure == null && previous != null) {
            LOG.info("DeviceTrust: the authorization view follows the database again");
        }
    }

    private void pruneNowAndThen() {
        long now = clock.millis();
        if (now - lastPruneMillis < 60_000) {
            return;
        }
        lastPruneMillis = now;
        try {
            feed.prune(Instant.ofEpochMilli(now).minusSeconds(gapWaitSeconds * 10));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "DeviceTrust: change feed not pruned this time", e);
        }
    }
}
