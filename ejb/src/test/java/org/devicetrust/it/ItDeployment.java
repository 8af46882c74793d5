package org.devicetrust.it;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.shrinkwrap.api.Filters;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.ByteArrayAsset;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The WAR micro-deployment shared by the in-container tests: the EJB module's components up to the device
 * registry (platform, audit, pki, device; nothing above them), all migrations, persistence.xml and the run-as
 * mapping, BouncyCastle and Flyway as libraries, and a test-only authentication mechanism. The data source jdbc/devicetrust comes from the server (post-boot commands), as
 * in production.
 */
public final class ItDeployment {

    private ItDeployment() {}

    public static WebArchive create() {
        WebArchive war = ShrinkWrap.create(WebArchive.class, "devicetrust-it.war")
                .addPackages(
                        true,
                        Filters.exclude(".*(Test|TestPki|Test\\$.*)\\.class"),
                        "org.devicetrust.platform",
                        "org.devicetrust.audit",
                        "org.devicetrust.pki",
                        "org.devicetrust.device")
                .addClasses(ItAuthentication.class, ItFixtures.class, ItFixtures.Rollback.class)
                .addAsResource("META-INF/persistence.xml")
                .addAsWebInfResource(new ByteArrayAsset(runAsMapping()), "glassfish-ejb-jar.xml")
                .addAsWebInfResource(new ByteArrayAsset(roleMappingOfTheWar()), "glassfish-web.xml")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
        // every migration of the module, as in production: the schema must reach the version the entities expect
        migrations().forEach((name, sql) -> war.addAsResource(new ByteArrayAsset(sql), "db/migration/" + name));
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
            com.fasterxml.jackson.annotation.JsonProperty.class
        }) {
            war.addAsLibrary(jarOf(libraryClass));
        }
        return war;
    }

    /** The module's role mapping without the beans this deployment does not hold (enrollment). */
    private static byte[] runAsMapping() {
        return moduleRoleMapping()
                .replaceAll("(?s)\\s*<ejb>\\s*<ejb-name>Enrollment</ejb-name>.*?</ejb>", "")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** In a WAR the role mapping of the module (its EJBs included) comes from glassfish-web.xml: the same one. */
    private static byte[] roleMappingOfTheWar() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<glassfish-web-app>\n");
        Matcher mapping = Pattern.compile("(?s)<security-role-mapping>.*?</security-role-mapping>")
                .matcher(moduleRoleMapping());
        while (mapping.find()) {
            xml.append("  ").append(mapping.group()).append('\n');
        }
        return xml.append("</glassfish-web-app>\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String moduleRoleMapping() {
        try (var in = ItDeployment.class.getClassLoader().getResourceAsStream("META-INF/glassfish-ejb-jar.xml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("the role mapping cannot be read", e);
        }
    }

    /** The SQL migrations of the module, whether it is on the class path as a directory or as its jar. */
    private static Map<String, byte[]> migrations() {
        Map<String, byte[]> found = new TreeMap<>();
        try {
            URI location = ItDeployment.class
                    .getClassLoader()
                    .getResource("db/migration")
                    .toURI();
            if ("jar".equals(location.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(location, Map.of())) {
                    collect(jar.getPath("/db/migration"), found);
                }
            } else {
                collect(Path.of(location), found);
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("migrations cannot be read", e);
        }
        return found;
    }

    private static void collect(Path directory, Map<String, byte[]> found) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".sql"))
                    .toList()) {
                found.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
    }

    private static File jarOf(Class<?> type) {
        try {
            return new File(
                    type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
