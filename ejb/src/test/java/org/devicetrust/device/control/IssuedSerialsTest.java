package org.devicetrust.device.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IssuedSerialsTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void answersEveryStoredSerialAcrossResizesAndNothingElse() {
        IssuedSerials set = new IssuedSerials(1);
        List<BigInteger> stored = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            BigInteger serial = new BigInteger(159, random).setBit(0);
            stored.add(serial);
            set.put(serial, i % 7 == 0 ? IssuedSerials.REVOKED : IssuedSerials.GOOD);
        }
        assertEquals(50_000, set.size());
        for (int i = 0; i < stored.size(); i++) {
            assertEquals(i % 7 == 0 ? IssuedSerials.REVOKED : IssuedSerials.GOOD, set.state(stored.get(i)));
        }
        for (int i = 0; i < 10_000; i++) {
            assertEquals(IssuedSerials.ABSENT, set.state(new BigInteger(159, random).clearBit(0)));
        }
    }

    @Test
    void serialsThatDifferOnlyInTheirHighBitsAreDifferent() {
        IssuedSerials set = new IssuedSerials();
        BigInteger low = BigInteger.valueOf(12345);
        BigInteger high = low.setBit(150);
        BigInteger middle = low.setBit(100);
        set.put(low, IssuedSerials.GOOD);
        set.put(high, IssuedSerials.REVOKED);
        assertEquals(IssuedSerials.GOOD, set.state(low));
        assertEquals(IssuedSerials.REVOKED, set.state(high));
        assertEquals(IssuedSerials.ABSENT, set.state(middle));
    }

    @Test
    void aRevokedSerialNeverBecomesGoodAgain() {
        IssuedSerials set = new IssuedSerials();
        BigInteger serial = BigInteger.TEN;
        set.put(serial, IssuedSerials.REVOKED);
        set.put(serial, IssuedSerials.GOOD);
        assertEquals(IssuedSerials.REVOKED, set.state(serial));
        assertEquals(1, set.size());
    }

    @Test
    void refusesSerialsRfc5280DoesNotAllowAndNeverFindsThem() {
        IssuedSerials set = new IssuedSerials();
        assertThrows(IllegalArgumentException.class, () -> set.put(BigInteger.ZERO, IssuedSerials.GOOD));
        assertThrows(IllegalArgumentException.class, () -> set.put(BigInteger.ONE.negate(), IssuedSerials.GOOD));
        assertThrows(IllegalArgumentException.class, () -> set.put(BigInteger.ONE.shiftLeft(160), IssuedSerials.GOOD));
        assertThrows(IllegalArgumentException.class, () -> set.put(BigInteger.ONE, (byte) 9));
        assertEquals(IssuedSerials.ABSENT, set.state(null));
        assertEquals(IssuedSerials.ABSENT, set.state(BigInteger.ONE.shiftLeft(160)));
    }

    @Test
    void readersNeverSeeAStoredSerialMissingWhileAWriterGrowsTheTable() throws Exception {
        IssuedSerials set = new IssuedSerials(1);
        List<BigInteger> early = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            BigInteger serial = new BigInteger(159, random).setBit(0);
            early.add(serial);
            set.put(serial, IssuedSerials.GOOD);
        }
        AtomicInteger misses = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        Thread[] readers = new Thread[3];
        for (int r = 0; r < readers.length; r++) {
            readers[r] = new Thread(() -> {
                while (done.getCount() > 0) {
                    for (BigInteger serial : early) {
                        if (set.state(serial) != IssuedSerials.GOOD) {
                            misses.incrementAndGet();
                        }
                    }
                }
            });
            readers[r].start();
        }
        for (int i = 0; i < 200_000; i++) {
            set.put(new BigInteger(159, random).setBit(0), IssuedSerials.GOOD);
        }
        done.countDown();
        for (Thread reader : readers) {
            reader.join();
        }
        assertEquals(0, misses.get());
    }
}
