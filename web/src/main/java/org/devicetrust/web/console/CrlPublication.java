package org.devicetrust.web.console;

import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.ByteArrayInputStream;
import java.io.Serializable;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.devicetrust.pki.boundary.CertificateQueries;
import org.devicetrust.pki.boundary.CrlPublisher;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.pki.entity.PublishedCrl;
import org.primefaces.model.DefaultStreamedContent;
import org.primefaces.model.StreamedContent;

/** The CRL page: the current CRL, its entries, download, and "publish now". */
@Named
@ViewScoped
public class CrlPublication implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int ENTRIES_SHOWN = 1000;

    /** One revoked serial as the published CRL lists it. */
    public record Entry(String serialHex, java.time.Instant revokedAt) implements Serializable {}

    @Inject
    CertificateQueries certificates;

    @Inject
    CrlPublisher crlPublisher;

    private PublishedCrl crl;
    private List<Entry> entries = List.of();

    public void load() {
        crl = certificates.currentCrl().orElse(null);
        // revocations since the full CRL are in the delta CRL on it: the page lists both
        List<Entry> all = new java.util.ArrayList<>(crl == null ? List.of() : entriesOf(crl.der()));
        certificates
                .currentDeltaCrl()
                .filter(delta -> crl != null && delta.baseCrlNumber().orElse(-1) == crl.crlNumber())
                .ifPresent(delta -> entriesOf(delta.der()).stream()
                        .filter(entry ->
                                all.stream().noneMatch(e -> e.serialHex().equals(entry.serialHex())))
                        .forEach(all::add));
        entries = all;
    }

    public void publishNow() {
        try {
            PublishedCrl published = crlPublisher.publishCrl();
            Messages.info("CRL number " + published.crlNumber() + " published.");
        } catch (RuntimeException e) {
            Messages.failure("CRL not published", e);
        }
        load();
    }

    public StreamedContent getDownload() {
        byte[] der = crl == null ? new byte[0] : crl.der();
        return DefaultStreamedContent.builder()
                .name("device-ca.crl")
                .contentType("application/pkix-crl")
                .contentLength((long) der.length)
                .stream(() -> new ByteArrayInputStream(der))
                .build();
    }

    private static List<Entry> entriesOf(byte[] der) {
        try {
            X509CRL parsed =
                    (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
            Set<? extends X509CRLEntry> revoked = parsed.getRevokedCertificates();
            List<Entry> list = new ArrayList<>();
            if (revoked != null) {
                for (X509CRLEntry entry : revoked) {
                    list.add(new Entry(
                            IssuedCertificate.serialHex(entry.getSerialNumber()),
                            entry.getRevocationDate().toInstant()));
                }
            }
            list.sort(Comparator.comparing(Entry::revokedAt).reversed());
            return list.size() > ENTRIES_SHOWN ? list.subList(0, ENTRIES_SHOWN) : list;
        } catch (GeneralSecurityException e) {
            Messages.error("The stored CRL could not be read.");
            return List.of();
        }
    }

    public PublishedCrl getCrl() {
        return crl;
    }

    public List<Entry> getEntries() {
        return entries;
    }

    public String getAge() {
        return crl == null
                ? ""
                : Durations.human(java.time.Duration.between(crl.thisUpdate(), java.time.Instant.now()));
    }
}
