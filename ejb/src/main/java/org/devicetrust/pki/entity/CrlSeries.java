package org.devicetrust.pki.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Objects;

/**
 * The CRL numbers of one issuing CA. The row is locked while a CRL is generated, which orders revocations and
 * CRLs: CRL numbers strictly increase and each CRL contains every revocation committed before it.
 */
@Entity
@Table(name = "crl_series")
public class CrlSeries {

    @Id
    @Column(name = "issuer_dn", length = 500)
    private String issuerDn;

    @Column(name = "last_crl_number", nullable = false)
    private long lastCrlNumber;

    protected CrlSeries() {
        // for JPA
    }

    public CrlSeries(String issuerDn, long lastCrlNumber) {
        this.issuerDn = Objects.requireNonNull(issuerDn, "issuerDn");
        if (lastCrlNumber < 0) {
            throw new IllegalArgumentException("CRL number must not be negative");
        }
        this.lastCrlNumber = lastCrlNumber;
    }

    /** Hands out the next number, which is also greater than {@code floor} (a number already used elsewhere). */
    public long next(long floor) {
        lastCrlNumber = Math.max(lastCrlNumber, floor) + 1;
        return lastCrlNumber;
    }

    public String issuerDn() {
        return issuerDn;
    }

    public long lastCrlNumber() {
        return lastCrlNumber;
    }
}
