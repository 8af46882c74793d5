package org.devicetrust.web.console;

import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.devicetrust.device.boundary.DeviceCertificates;
import org.devicetrust.pki.boundary.FactoryCredential;
import org.devicetrust.pki.boundary.PkiException;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.platform.boundary.ProblemType;
import org.primefaces.model.DefaultStreamedContent;
import org.primefaces.model.StreamedContent;

/**
 * Issue a certificate: from a CSR the device made (pasted or uploaded), or, for factory provisioning only, from a
 * key pair generated here and handed out once as a password-protected PKCS#12. Nothing of the factory key is
 * stored: the key and the PKCS#12 live in this view until downloaded, the password is shown once.
 */
@Named
@ViewScoped
public class IssueCertificate implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int MAX_CSR_BYTES = 64 * 1024;

    @Inject
    DeviceCertificates deviceCertificates;

    private String deviceId;
    private String csrPem;
    private transient Part csrFile;
    private IssuedCertificate issued;

    /** The password lives in the request that renders it, never in the view or the session. */
    private static final String PASSWORD_ATTRIBUTE = IssueCertificate.class.getName() + ".password";

    private transient byte[] factoryPkcs12;

    public void issueFromCsr() {
        issued = null;
        try {
            byte[] csr = csrBytes();
            if (csr.length == 0) {
                Messages.error("Paste a CSR (PEM) or choose a CSR file.");
                return;
            }
            issued = deviceCertificates.issue(trimmed(deviceId), csr);
            Messages.info("Certificate " + issued.serialHex() + " issued to device "
                    + issued.deviceId().value() + ".");
            csrPem = null;
        } catch (IOException e) {
            Messages.error("The uploaded CSR could not be read.");
        } catch (RuntimeException e) {
            Messages.failure("Certificate not issued", e);
        }
    }

    /** Factory path: the CA generates the device key (the only place outside the device), audited there. */
    public void generateForFactory() {
        issued = null;
        factoryPkcs12 = null;
        String id = trimmed(deviceId);
        try {
            FactoryCredential credential = deviceCertificates.issueWithGeneratedKey(id);
            issued = credential.certificate();
            factoryPkcs12 = credential.pkcs12();
            char[] password = credential.password();
            FacesContext.getCurrentInstance()
                    .getExternalContext()
                    .getRequestMap()
                    .put(PASSWORD_ATTRIBUTE, new String(password));
            Arrays.fill(password, '\0');
            Messages.info("Certificate " + issued.serialHex() + " issued to device " + id
                    + ". Download the PKCS#12 now and note the password: neither is shown again.");
        } catch (RuntimeException e) {
            Messages.failure("Certificate not issued", e);
        }
    }

    /** Streams the PKCS#12 once, then forgets it. */
    public StreamedContent getFactoryDownload() {
        byte[] bytes = factoryPkcs12;
        String name = (issued == null ? "device" : issued.deviceId().value()) + ".p12";
        return DefaultStreamedContent.builder().name(name).contentType("application/x-pkcs12").stream(() -> {
                    factoryPkcs12 = null;
                    return new ByteArrayInputStream(bytes == null ? new byte[0] : bytes);
                })
                .build();
    }

    public StreamedContent getIssuedPem() {
        byte[] pem = issued == null ? new byte[0] : issued.pem().getBytes(StandardCharsets.US_ASCII);
        String name =
                issued == null ? "certificate.pem" : issued.deviceId().value() + "-" + issued.serialHex() + ".pem";
        return DefaultStreamedContent.builder().name(name).contentType("application/x-pem-file").stream(
                        () -> new ByteArrayInputStream(pem))
                .build();
    }

    private byte[] csrBytes() throws IOException {
        if (csrFile != null && csrFile.getSize() > 0) {
            if (csrFile.getSize() > MAX_CSR_BYTES) {
                throw new PkiException.InvalidCsr(
                        ProblemType.CSR_TOO_LARGE, "the CSR file is larger than " + MAX_CSR_BYTES + " bytes");
            }
            try (InputStream in = csrFile.getInputStream()) {
                return in.readNBytes(MAX_CSR_BYTES);
            }
        }
        return csrPem == null ? new byte[0] : csrPem.strip().getBytes(StandardCharsets.US_ASCII);
    }

    private static String trimmed(String value) {
        return value == null ? null : value.strip();
    }

    public boolean isFactoryReady() {
        return factoryPkcs12 != null;
    }

    public String getDeviceId() {
        return deviceId;
    }

    public void setDeviceId(String deviceId) {
        this.deviceId = deviceId;
    }

    public String getCsrPem() {
        return csrPem;
    }

    public void setCsrPem(String csrPem) {
        this.csrPem = csrPem;
    }

    public Part getCsrFile() {
        return csrFile;
    }

    public void setCsrFile(Part csrFile) {
        this.csrFile = csrFile;
    }

    public IssuedCertificate getIssued() {
        return issued;
    }

    /** Shown once: only in the response to the request that generated it. */
    public String getFactoryPassword() {
        return (String) FacesContext.getCurrentInstance()
                .getExternalContext()
                .getRequestMap()
                .get(PASSWORD_ATTRIBUTE);
    }
}
