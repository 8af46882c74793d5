package org.devicetrust.web;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

/**
 * web is the top of the component graph (see the EJB module's ArchitectureTest): it reaches every component
 * through its boundary and the entity and value types the boundary returns, never a control, never the JPA
 * layer, and never the CA's key holder.
 */
class WebArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.devicetrust");

    @Test
    void webUsesNoControlOfAComponent() {
        noClasses()
                .that()
                .resideInAPackage("org.devicetrust.web..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.devicetrust.audit.control..",
                        "org.devicetrust.account.control..",
                        "org.devicetrust.pki.control..",
                        "org.devicetrust.device.control..",
                        "org.devicetrust.enrollment.control..",
                        "org.devicetrust.firmware.control..")
                .because("a component is reached through its boundary")
                .check(CLASSES);
    }

    @Test
    void webRunsNoJpa() {
        noClasses()
                .that()
                .resideInAPackage("org.devicetrust.web..")
                .should()
                .dependOnClassesThat()
                .areAssignableTo(EntityManager.class)
                .check(CLASSES);
    }

    /** Keys, CSRs and key stores are made by the CA's controls behind an audited boundary, not in view beans. */
    @Test
    void webDoesNoCrypto() {
        noClasses()
                .that()
                .resideInAPackage("org.devicetrust.web..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.bouncycastle..")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.security.KeyPairGenerator")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.security.KeyStore")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.security.Signature")
                .check(CLASSES);
    }

    @Test
    void webDoesNotSeeTheCaKeyHolder() {
        noClasses()
                .that()
                .resideInAPackage("org.devicetrust.web..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("org.devicetrust.pki.boundary.DeviceCa")
                .check(CLASSES);
    }
}
