package org.devicetrust;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.ReferencedClassObject;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import jakarta.persistence.Entity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The component graph of the EJB module, checked on its byte code (and, for what the compiler inlines, its
 * source). Components are the packages directly under {@code org.devicetrust}:
 *
 * <pre>
 * platform  &lt;-  audit  &lt;-  pki  &lt;-  device  &lt;-  enrollment  &lt;-  web
 *                  ^         ^         ^
 *                  |         +-------- firmware (signing today; updates above device later)
 *                  +-- account (console sign-in; used by web only)
 * </pre>
 *
 * A component may use the components below it and nothing above; there are no cycles. Of another component it
 * may use the {@code boundary} (beans, their records and exceptions) and the {@code entity} package (the
 * entities and value types the boundaries return), never its {@code control} package, never its entities as
 * JPA classes ({@code em.find(Other.class, ...)}, criteria or JPQL over them) and never its named queries:
 * the owning component's boundary runs those. {@code platform} is the shared kernel and open to every component
 * in all its packages. The key holder {@code pki.boundary.DeviceCa} is internal to pki.
 */
class ArchitectureTest {

    static final String ROOT = "org.devicetrust";
    static final List<String> COMPONENTS =
            List.of("platform", "audit", "account", "pki", "device", "enrollment", "firmware");

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void componentsFormNoCycle() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void componentsUseOnlyTheComponentsBelowThem() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("platform")
                .definedBy(ROOT + ".platform..")
                .layer("audit")
                .definedBy(ROOT + ".audit..")
                .layer("account")
                .definedBy(ROOT + ".account..")
                .layer("pki")
                .definedBy(ROOT + ".pki..")
                .layer("device")
                .definedBy(ROOT + ".device..")
                .layer("enrollment")
                .definedBy(ROOT + ".enrollment..")
                .layer("firmware")
                .definedBy(ROOT + ".firmware..")
                .whereLayer("audit")
                .mayOnlyBeAccessedByLayers("account", "pki", "device", "enrollment", "firmware")
                .whereLayer("pki")
                .mayOnlyBeAccessedByLayers("device", "enrollment", "firmware")
                .whereLayer("device")
                .mayOnlyBeAccessedByLayers("enrollment", "firmware")
                .whereLayer("enrollment")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("account")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("firmware")
                .mayNotBeAccessedByAnyLayer()
                .check(CLASSES);
    }

    @Test
    void noComponentUsesTheControlOfAnother() {
        for (String component : COMPONENTS) {
            if (component.equals("platform")) {
                continue;
            }
            noClasses()
                    .that()
                    .resideOutsideOfPackage(ROOT + "." + component + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage(ROOT + "." + component + ".control..")
                    .because("another component is reached through its boundary")
                    .check(CLASSES);
        }
    }

    @Test
    void theCaKeyHolderIsInternalToPki() {
        noClasses()
                .that()
                .resideOutsideOfPackage(ROOT + ".pki..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName(ROOT + ".pki.boundary.DeviceCa")
                .because("other components see the CA certificates through CertificateQueries")
                .check(CLASSES);
    }

    @Test
    void noComponentRunsJpaOnTheEntitiesOfAnother() {
        classes().should(useNoEntityOfAnotherComponentAsJpaClass()).check(CLASSES);
    }

    /** Named query names and JPQL are strings the compiler inlines: this part reads the source. */
    @Test
    void noComponentRunsTheNamedQueriesOrJpqlOfAnother() throws IOException {
        Map<String, String> entities = CLASSES.stream()
                .filter(c -> c.isAnnotatedWith(Entity.class))
                .collect(Collectors.toMap(JavaClass::getSimpleName, ArchitectureTest::componentOf));
        Pattern namedQuery = Pattern.compile("\\b(\\w+)\\.(?:FIND|COUNT|DELETE|UPDATE)_\\w+");
        Pattern jpql = Pattern.compile("\\b(?:FROM|JOIN|UPDATE)\\s+(\\w+)\\s");
        List<String> violations = new ArrayList<>();
        Path sources = Path.of("src/main/java", ROOT.split("\\."));
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String own = sources.relativize(file).getName(0).toString();
                String text = Files.readString(file);
                for (Pattern pattern : List.of(namedQuery, jpql)) {
                    Matcher m = pattern.matcher(text);
                    while (m.find()) {
                        String owner = entities.get(m.group(1));
                        if (owner != null && !owner.equals(own)) {
                            violations.add(file + ": " + m.group() + " belongs to " + owner);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), violations, "queries over another component's entities");
    }

    static ArchCondition<JavaClass> useNoEntityOfAnotherComponentAsJpaClass() {
        return new ArchCondition<>("use no entity class of another component as a JPA class (Other.class)") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                String own = componentOf(item);
                for (ReferencedClassObject reference : item.getReferencedClassObjects()) {
                    JavaClass target = reference.getRawType();
                    if (target.isAnnotatedWith(Entity.class)
                            && !componentOf(target).equals(own)) {
                        events.add(SimpleConditionEvent.violated(
                                item,
                                item.getName() + " uses " + target.getName() + ".class in "
                                        + reference.getSourceCodeLocation()));
                    }
                }
            }
        };
    }

    static String componentOf(JavaClass type) {
        String rest =
                type.getPackageName().substring(Math.min(type.getPackageName().length(), ROOT.length() + 1));
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }
}
