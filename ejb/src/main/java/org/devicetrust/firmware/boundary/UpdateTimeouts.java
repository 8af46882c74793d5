package org.devicetrust.firmware.boundary;

import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every 10 seconds: offered updates without a terminal report past their rollout's action timeout time out, and
 * rollouts scheduled to start whose time has come start.
 */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class UpdateTimeouts {

    private static final Logger LOG = Logger.getLogger(UpdateTimeouts.class.getName());
    static final int BATCH = 500;

    @EJB
    DeviceUpdates updates;

    @EJB
    Rollouts rollouts;

    @Schedule(second = "*/10", minute = "*", hour = "*", persistent = false)
    void expire() {
        try {
            while (updates.timeOutExpired(BATCH) == BATCH) {
                // a full batch: there may be more
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "DeviceTrust could not time out expired updates; next try in 10 s", e);
        }
        try {
            while (rollouts.startDue(BATCH) == BATCH) {
                // a full batch: there may be more
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "DeviceTrust could not start the rollouts due; next try in 10 s", e);
        }
    }
}
