package org.devicetrust.pki.control;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Certificate serial numbers: 159 random bits, so the DER INTEGER is positive and at most 20 octets
 * (RFC 5280 4.1.2.2) while carrying far more than the 64 bits of entropy CA/B Forum rules ask for.
 */
public final class SerialNumbers {

    public static final int BITS = 159;

    private SerialNumbers() {
    }

    public static BigInteger next(SecureRandom random) {
        BigInteger serial;
        do {
            serial = new BigInteger(BITS, random);
        } while (serial.signum() == 0);
        return serial;
    }
}
