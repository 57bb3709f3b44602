package io.stagingcanary.gate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The gate starts without booting the agent: its classes use the JDK only. */
class GateIsJdkOnlyTest {

  @Test
  void theGateDependsOnTheJdkOnly() {
    noClasses()
        .that()
        .resideInAPackage("io.stagingcanary.gate..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("io.stagingcanary.gate..", "java..", "javax..")
        .because("java -jar canary.jar gate must not load Spring, fabric8 or the agent")
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.stagingcanary.gate"));
  }
}
