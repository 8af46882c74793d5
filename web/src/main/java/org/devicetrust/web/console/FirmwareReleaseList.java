package org.devicetrust.web.console;

import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.devicetrust.firmware.boundary.FirmwareException;
import org.devicetrust.firmware.boundary.FirmwareReleases;
import org.devicetrust.firmware.control.UpdateOffer;
import org.devicetrust.firmware.entity.FirmwareRelease;
import org.devicetrust.firmware.entity.ReleaseState;
import org.devicetrust.platform.boundary.ProblemType;

/**
 * Firmware releases: upload a payload for the backend to sign or an image signed elsewhere for it to verify,
 * approve (four eyes when the security version rises), revoke; the fleet's remaining anti-rollback capacity.
 */
@Named("releases")
@ViewScoped
public class FirmwareReleaseList implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int PAGE = 50;

    @Inject
    FirmwareReleases releases;

    @Inject
    ConsoleSession session;

    private List<FirmwareRelease> list = List.of();
    private FirmwareReleases.SecurityVersionCapacity capacity;

    private transient Part file;
    private boolean signedElsewhere;
    private Long version;
    private Integer securityVersion;
    private String buildId;
    private String loadAddress = "0x80200000";

    public void load() {
        try {
            list = releases.list(0, PAGE);
            capacity = releases.capacity();
        } catch (RuntimeException e) {
            Messages.failure("Releases not shown", e);
        }
    }

    public void upload() {
        try {
            byte[] bytes = fileBytes();
            FirmwareRelease created;
            if (signedElsewhere) {
                created = releases.createVerified(bytes);
            } else {
                if (version == null || securityVersion == null) {
                    throw new FirmwareException(
                            ProblemType.INVALID_REQUEST, "a payload to sign needs its version and security version");
                }
                long load = address(loadAddress);
                created = releases.createSigned(
                        new FirmwareReleases.ReleaseRequest(
                                "app",
                                version,
                                securityVersion,
                                load,
                                load,
                                buildId == null || buildId.isBlank() ? "v" + version : buildId.strip()),
                        bytes);
            }
            Messages.info("Release " + created.id() + " created (" + created.state() + "): version " + created.version()
                    + ", security version " + created.securityVersion() + ".");
            version = null;
            securityVersion = null;
            buildId = null;
        } catch (RuntimeException e) {
            Messages.failure("Release not created", e);
        } finally {
            file = null;
        }
        load();
    }

    public void approve(long id) {
        try {
            FirmwareRelease r = releases.approve(id);
            Messages.info("Release " + r.id() + " approved for rollouts.");
        } catch (RuntimeException e) {
            Messages.failure("Release " + id + " not approved", e);
        }
        load();
    }

    public void revoke(long id) {
        try {
            releases.revoke(id);
            Messages.info("Release " + id + " revoked: it is never offered again.");
        } catch (RuntimeException e) {
            Messages.failure("Release " + id + " not revoked", e);
        }
        load();
    }

    /** Whether an administrator may approve it now (SIGNED or VERIFIED). */
    public boolean approvable(FirmwareRelease r) {
        return session.isAdmin() && (r.state() == ReleaseState.SIGNED || r.state() == ReleaseState.VERIFIED);
    }

    public boolean revocable(FirmwareRelease r) {
        return session.isAdmin() && r.state() != ReleaseState.REVOKED;
    }

    /** Approving it would raise the fleet's counter for good: a second administrator must approve. */
    public boolean raises(FirmwareRelease r) {
        return approvable(r) && releases.raisesSecurityVersion(r);
    }

    private byte[] fileBytes() {
        if (file == null || file.getSize() <= 0) {
            throw new FirmwareException(ProblemType.INVALID_REQUEST, "choose the image or payload file");
        }
        if (file.getSize() > UpdateOffer.APP_SLOT_SIZE) {
            throw new FirmwareException(
                    ProblemType.FIRMWARE_IMAGE_TOO_LARGE,
                    "the file has " + file.getSize() + " bytes; an app slot holds " + UpdateOffer.APP_SLOT_SIZE);
        }
        try (InputStream in = file.getInputStream()) {
            return in.readNBytes((int) UpdateOffer.APP_SLOT_SIZE);
        } catch (IOException e) {
            throw new FirmwareException(ProblemType.INVALID_REQUEST, "the uploaded file could not be read");
        }
    }

    static long address(String text) {
        try {
            String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
            long v = t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            if (v < 0 || v > 0xffff_ffffL) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new FirmwareException(
                    ProblemType.INVALID_REQUEST, "the load address must be a 32-bit address, decimal or 0x-hex");
        }
    }

    public List<FirmwareRelease> getList() {
        return list;
    }

    public FirmwareReleases.SecurityVersionCapacity getCapacity() {
        return capacity;
    }

    public Part getFile() {
        return file;
    }

    public void setFile(Part file) {
        this.file = file;
    }

    public boolean isSignedElsewhere() {
        return signedElsewhere;
    }

    public void setSignedElsewhere(boolean signedElsewhere) {
        this.signedElsewhere = signedElsewhere;
    }

    public Long getVersion() {
        return version;
    }

    public void setVersion(Long version) {
        this.version = version;
    }

    public Integer getSecurityVersion() {
        return securityVersion;
    }

    public void setSecurityVersion(Integer securityVersion) {
        this.securityVersion = securityVersion;
    }

    public String getBuildId() {
        return buildId;
    }

    public void setBuildId(String buildId) {
        this.buildId = buildId;
    }

    public String getLoadAddress() {
        return loadAddress;
    }

    public void setLoadAddress(String loadAddress) {
        this.loadAddress = loadAddress;
    }
}
