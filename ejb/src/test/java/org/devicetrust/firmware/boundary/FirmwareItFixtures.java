package org.devicetrust.firmware.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/** Test only: firmware state the IT's single caller cannot make through the boundary. */
@Stateless
@PermitAll
public class FirmwareItFixtures {

    @PersistenceContext
    EntityManager em;

    /** As if another administrator had uploaded the release (the IT runs as one caller). */
    public void setUploader(long releaseId, String uploader) {
        int rows = em.createQuery("UPDATE FirmwareRelease r SET r.uploadedBy = :u WHERE r.id = :id")
                .setParameter("u", uploader)
                .setParameter("id", releaseId)
                .executeUpdate();
        if (rows != 1) {
            throw new IllegalStateException("release " + releaseId + " not found");
        }
    }
}
