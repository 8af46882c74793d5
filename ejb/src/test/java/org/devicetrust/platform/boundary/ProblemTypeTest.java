package org.devicetrust.platform.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.devicetrust.device.entity.AccessReason;
import org.devicetrust.enrollment.boundary.EnrollmentException;
import org.devicetrust.pki.boundary.PkiException;
import org.devicetrust.pki.control.CsrRejectedException;
import org.devicetrust.platform.boundary.DeviceTrustException.Kind;
import org.junit.jupiter.api.Test;

class ProblemTypeTest {

    /** A statement that builds a refusal: {@code new FooException(...)}, a nested refusal, or {@code super(...)}. */
    static final Pattern REFUSAL = Pattern.compile(
            "(\\bnew\\s+[\\w.]*(Exception|Refused|Rejected|Unauthenticated|InvalidRequest|InvalidCsr|SubjectMismatch"
                    + "|RenewalNotDue|UnknownDevice|DeviceNotActive|UnknownSerial|AlreadyRevoked|UnsupportedReason"
                    + "|CaUnavailable)|\\bsuper)\\s*\\(");

    static final Pattern TYPE_LITERAL = Pattern.compile("\"([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\"");

    @Test
    void typesAreUniqueKebabCaseNames() {
        Set<String> seen = new HashSet<>();
        for (ProblemType problem : ProblemType.values()) {
            assertTrue(problem.type().matches("[a-z][a-z0-9]*(-[a-z0-9]+)*"), problem.type());
            assertTrue(seen.add(problem.type()), "twice: " + problem.type());
            assertTrue(!problem.title().isBlank(), problem.type());
            assertEquals(ProblemType.URI_PREFIX + problem.type(), problem.uri());
            assertEquals(problem, ProblemType.of(problem.type()));
        }
    }

    @Test
    void aTypeOutsideTheCatalogueIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> new PkiException("no-such-problem", "x"));
        assertThrows(IllegalArgumentException.class, () -> ProblemType.of(null));
    }

    @Test
    void theCatalogueNotTheThrowerDecidesTheKind() {
        // re-enrollment used to answer 403 for a revoked certificate, the device API 401: now both say 401
        assertEquals(
                Kind.UNAUTHORIZED, new EnrollmentException.CertificateRefused("certificate-revoked", "revoked").kind());
        assertEquals(
                Kind.FORBIDDEN,
                new EnrollmentException.CertificateRefused("certificate-not-yours", "another's").kind());
        assertEquals(Kind.INVALID, new PkiException("bulk-size-invalid", Kind.CONFLICT, "x").kind());
    }

    @Test
    void anUnknownDeviceBehindAGoodCertificateIsNotRegisteredWhileAnUnknownIdIsNotFound() {
        assertEquals(ProblemType.DEVICE_UNKNOWN, new PkiException.UnknownDevice("no such device").problem());
        assertEquals(ProblemType.DEVICE_NOT_REGISTERED, ProblemType.of(AccessReason.UNKNOWN_DEVICE.problemType()));
        assertEquals(ProblemType.DEVICE_UNKNOWN, ProblemType.of("device-unknown"));
    }

    @Test
    void everyAccessRefusalIsCataloguedWithTheStatusFamilyTheDeviceApiAnswers() {
        for (AccessReason reason : AccessReason.values()) {
            if (reason.allowed()) {
                continue;
            }
            Kind assumed = switch (reason.httpStatus()) {
                case 401 -> Kind.UNAUTHORIZED;
                case 503 -> Kind.UNAVAILABLE;
                default -> Kind.FORBIDDEN;
            };
            ProblemType problem = ProblemType.resolve(reason.problemType(), assumed);
            assertEquals(assumed, problem.kind(), reason + " -> " + problem);
        }
    }

    @Test
    void everyCsrRefusalIsCatalogued() {
        for (CsrRejectedException.Problem problem : CsrRejectedException.Problem.values()) {
            assertEquals(Kind.INVALID, ProblemType.of(problem.type()).kind(), problem.type());
        }
    }

    @Test
    void everyTypeNamedInTheEjbSourcesIsCatalogued() throws IOException {
        List<String> missing = new ArrayList<>();
        int found = 0;
        for (String type : typesNamedIn(Path.of("src/main/java"))) {
            found++;
            if (ProblemType.find(type).isEmpty()) {
                missing.add(type);
            }
        }
        assertTrue(found > 10, "the scan found only " + found + " type names; is it looking in the right place?");
        assertEquals(List.of(), missing, "problem types used in the code but missing from ProblemType");
    }

    /** Kebab-case string literals inside statements that build a refusal. */
    static Set<String> typesNamedIn(Path sources) throws IOException {
        Set<String> types = new HashSet<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                for (String statement : Files.readString(file).split(";")) {
                    Matcher refusal = REFUSAL.matcher(statement);
                    if (refusal.find()) {
                        Matcher literal = TYPE_LITERAL.matcher(statement.substring(refusal.start()));
                        while (literal.find()) {
                            types.add(literal.group(1));
                        }
                    }
                }
            }
        }
        return types;
    }
}
