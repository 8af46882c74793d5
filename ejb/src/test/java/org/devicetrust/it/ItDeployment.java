package org.devicetrust.it;

import java.io.File;
import java.net.URISyntaxException;
import org.jboss.shrinkwrap.api.Filters;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The WAR micro-deployment shared by the in-container tests: the EJB module's PKI, device, audit and platform
 * classes, the migrations and persistence.xml, BouncyCastle and Flyway as libraries, and a test-only
 * authentication mechanism. The data source jdbc/devicetrust comes from the server (post-boot commands), as
 * in production.
 */
public final class ItDeployment {

    private ItDeployment() {
    }

    public static WebArchive create() {
        WebArchive war = ShrinkWrap.create(WebArchive.class, "devicetrust-it.war")
                .addPackages(true, Filters.exclude(".*(Test|TestPki|Test\\$.*)\\.class"),
                        "org.devicetrust.pki", "org.devicetrust.audit", "org.devicetrust.device.entity",
                        "org.devicetrust.platform")
                .addClasses(ItAuthentication.class, ItFixtures.class, ItFixtures.Rollback.class)
                .addAsResource("META-INF/persistence.xml")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
        for (String migration : new String[] {"V1__device.sql", "V2__pki.sql", "V3__audit.sql",
            "V4__administrator.sql"}) {
            war.addAsResource("db/migration/" + migration);
        }
        for (Class<?> libraryClass : new Class<?>[] {
            org.bouncycastle.jce.provider.BouncyCastleProvider.class,
            org.bouncycastle.cert.X509CertificateHolder.class,
            org.bouncycastle.asn1.cms.ContentInfo.class,
            org.flywaydb.core.Flyway.class,
            org.flywaydb.database.postgresql.PostgreSQLDatabaseType.class,
            com.fasterxml.jackson.dataformat.toml.TomlFactory.class,
            com.fasterxml.jackson.databind.ObjectMapper.class,
            com.fasterxml.jackson.core.JsonFactory.class,
            com.fasterxml.jackson.datatype.jsr310.JavaTimeModule.class,
            com.fasterxml.jackson.annotation.JsonProperty.class}) {
            war.addAsLibrary(jarOf(libraryClass));
        }
        return war;
    }

    private static File jarOf(Class<?> type) {
        try {
            return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
