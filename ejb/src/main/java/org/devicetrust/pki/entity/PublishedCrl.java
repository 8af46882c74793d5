package org.devicetrust.pki.entity;

import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/**
 * A CRL as it was signed and published: a full CRL, or a delta CRL (RFC 5280 5.2.4) when it names the full CRL
 * it builds on ({@link #baseCrlNumber}). Only the newest few are kept, and always the newest full CRL.
 */
@Entity
@Table(name = "published_crl")
@NamedQuery(
        name = PublishedCrl.FIND_LATEST,
        query = "SELECT c FROM PublishedCrl c WHERE c.issuerDn = :issuer AND c.baseCrlNumber IS NULL"
                + " ORDER BY c.crlNumber DESC")
@NamedQuery(
        name = PublishedCrl.FIND_LATEST_DELTA,
        query = "SELECT c FROM PublishedCrl c WHERE c.issuerDn = :issuer AND c.baseCrlNumber IS NOT NULL"
                + " ORDER BY c.crlNumber DESC")
@NamedQuery(
        name = PublishedCrl.DELETE_UP_TO,
        query = "DELETE FROM PublishedCrl c WHERE c.issuerDn = :issuer AND c.crlNumber <= :number"
                + " AND c.crlNumber < :base")
public class PublishedCrl {

    public static final String FIND_LATEST = "PublishedCrl.findLatest";
    public static final String FIND_LATEST_DELTA = "PublishedCrl.findLatestDelta";
    /** Deletes CRLs numbered up to {@code number} and below {@code base} (the full CRL still in use). */
    public static final String DELETE_UP_TO = "PublishedCrl.deleteUpTo";

    @Id
    @SequenceGenerator(name = "published_crl_seq", sequenceName = "published_crl_seq", allocationSize = 10)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "published_crl_seq")
    @Column(name = "id")
    private Long id;

    @Column(name = "issuer_dn", nullable = false, length = 500)
    private String issuerDn;

    @Column(name = "crl_number", nullable = false)
    private long crlNumber;

    @Column(name = "this_update", nullable = false)
    private Instant thisUpdate;

    @Column(name = "next_update", nullable = false)
    private Instant nextUpdate;

    @Column(name = "entry_count", nullable = false)
    private int entryCount;

    @Column(name = "base_crl_number")
    private Long baseCrlNumber;

    @Basic(fetch = FetchType.LAZY)
    @Column(name = "der", nullable = false)
    private byte[] der;

    protected PublishedCrl() {
        // for JPA
    }

    public PublishedCrl(
            String issuerDn, long crlNumber, Instant thisUpdate, Instant nextUpdate, int entryCount, byte[] der) {
        this.issuerDn = Objects.requireNonNull(issuerDn, "issuerDn");
        if (crlNumber <= 0) {
            throw new IllegalArgumentException("CRL number must be positive");
        }
        if (!nextUpdate.isAfter(thisUpdate)) {
            throw new IllegalArgumentException("nextUpdate must be after thisUpdate");
        }
        if (entryCount < 0 || der == null || der.length == 0) {
            throw new IllegalArgumentException("a CRL needs its encoding and a non-negative entry count");
        }
        this.crlNumber = crlNumber;
        this.thisUpdate = thisUpdate;
        this.nextUpdate = nextUpdate;
        this.entryCount = entryCount;
        this.der = der.clone();
    }

    /** A delta CRL on top of the full CRL {@code baseCrlNumber}. */
    public static PublishedCrl delta(
            String issuerDn,
            long crlNumber,
            long baseCrlNumber,
            Instant thisUpdate,
            Instant nextUpdate,
            int entryCount,
            byte[] der) {
        if (baseCrlNumber <= 0 || baseCrlNumber >= crlNumber) {
            throw new IllegalArgumentException("a delta CRL builds on an earlier full CRL");
        }
        PublishedCrl crl = new PublishedCrl(issuerDn, crlNumber, thisUpdate, nextUpdate, entryCount, der);
        crl.baseCrlNumber = baseCrlNumber;
        return crl;
    }

    public boolean isDelta() {
        return baseCrlNumber != null;
    }

    /** The full CRL a delta builds on; empty for a full CRL. */
    public java.util.OptionalLong baseCrlNumber() {
        return baseCrlNumber == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(baseCrlNumber);
    }

    public String issuerDn() {
        return issuerDn;
    }

    public long crlNumber() {
        return crlNumber;
    }

    public Instant thisUpdate() {
        return thisUpdate;
    }

    public Instant nextUpdate() {
        return nextUpdate;
    }

    public int entryCount() {
        return entryCount;
    }

    /** The DER encoding (a copy). */
    public byte[] der() {
        return der.clone();
    }
}
