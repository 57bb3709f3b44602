package io.stagingcanary;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The build guards the design: a pure core and no package cycles. */
class ArchitectureTest {

  private static JavaClasses mainClasses;

  @BeforeAll
  static void importMainClasses() {
    mainClasses =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.stagingcanary");
  }

  @Test
  void pureCoreUsesNoFrameworkAndNoIo() {
    noClasses()
        .that()
        .resideInAnyPackage("io.stagingcanary.diff..", "io.stagingcanary.rules..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.fabric8..",
            "org.springframework..",
            "jakarta..",
            "com.fasterxml..",
            "tools.jackson..",
            "java.sql..",
            "java.net..",
            "java.nio.file..",
            "io.github.resilience4j..",
            "io.micrometer..")
        .because("diff and rules are the pure core: records and logic only")
        .check(mainClasses);
  }

  @Test
  void pureCoreDoesNotDependOnEdges() {
    noClasses()
        .that()
        .resideInAnyPackage("io.stagingcanary.diff..", "io.stagingcanary.rules..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("io.stagingcanary.diff..", "io.stagingcanary.rules..", "java..")
        .check(mainClasses);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("io.stagingcanary.(*)..").should().beFreeOfCycles().check(mainClasses);
  }
}
