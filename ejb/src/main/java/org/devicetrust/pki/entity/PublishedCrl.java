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

/** A CRL as it was signed and published. Only the newest few are kept. */
@Entity
@Table(name = "published_crl")
@NamedQuery(name = PublishedCrl.FIND_LATEST,
        query = "SELECT c FROM PublishedCrl c WHERE c.issuerDn = :issuer ORDER BY c.crlNumber DESC")
@NamedQuery(name = PublishedCrl.DELETE_UP_TO,
        query = "DELETE FROM PublishedCrl c WHERE c.issuerDn = :issuer AND c.crlNumber <= :number")
public class PublishedCrl {

    public static final String FIND_LATEST = "PublishedCrl.findLatest";
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

    @Basic(fetch = FetchType.LAZY)
    @Column(name = "der", nullable = false)
    private byte[] der;

    protected PublishedCrl() {
        // for JPA
    }

    public PublishedCrl(String issuerDn, long crlNumber, Instant thisUpdate, Instant nextUpdate, int entryCount,
            byte[] der) {
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
