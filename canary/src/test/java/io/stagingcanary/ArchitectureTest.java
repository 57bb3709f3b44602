package io.stagingcanary;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Set;
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

  /** fabric8 calls that change a cluster. */
  static final Set<String> WRITE_METHODS =
      Set.of(
          "create",
          "createOr",
          "createOrReplace",
          "update",
          "replace",
          "delete",
          "withGracePeriod",
          "patch",
          "edit",
          "serverSideApply",
          "apply",
          "accept",
          "updateStatus",
          "patchStatus",
          "editStatus",
          "sendAsync");

  static final DescribedPredicate<JavaMethodCall> CLUSTER_WRITE =
      DescribedPredicate.describe(
          "a fabric8 call that writes to a cluster",
          call ->
              WRITE_METHODS.contains(call.getName())
                  && call.getTargetOwner()
                      .getPackageName()
                      .startsWith("io.fabric8.kubernetes.client"));

  /**
   * The ops tool the 2017 replay runs under the gate: it is the tool under test, not the agent, and
   * deletes through its own client. Exactly this package, not its parent or siblings.
   */
  static final String PRUNE_TOOL_PACKAGE = "io.stagingcanary.demo.prune";

  @Test
  void onlyTheGuardedPathWritesToACluster() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName("io.stagingcanary.seeding.GuardedMutations")
        .and()
        .resideOutsideOfPackage("io.stagingcanary.sandbox..")
        .and()
        .resideOutsideOfPackage(PRUNE_TOOL_PACKAGE)
        .should()
        .callMethodWhere(CLUSTER_WRITE)
        .because(
            "every create, update and delete goes through GuardedMutations (strict ownership);"
                + " the sandbox only bootstraps its own in-process server")
        .check(mainClasses);
  }

  @Test
  void nothingOfTheAgentUsesThePruneTool() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            PRUNE_TOOL_PACKAGE, "io.stagingcanary.demo..", "io.stagingcanary.cli")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(PRUNE_TOOL_PACKAGE)
        .because("the prune tool is a tool under test: only the command line and the demo start it")
        .check(mainClasses);
  }

  @Test
  void metricsDependOnNoFeature() {
    noClasses()
        .that()
        .resideInAPackage("io.stagingcanary.metrics..")
        .should()
        .dependOnClassesThat(
            JavaClass.Predicates.resideInAPackage("io.stagingcanary..")
                .and(
                    JavaClass.Predicates.resideOutsideOfPackages(
                        "io.stagingcanary.metrics..", "io.stagingcanary.config..")))
        .because(
            "features call CanaryMetrics with plain values and suppliers; metrics call no feature")
        .check(mainClasses);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("io.stagingcanary.(*)..").should().beFreeOfCycles().check(mainClasses);
  }

  @Test
  void valueTypesAreBuiltThroughTheirBuildersOnly() {
    for (String type :
        List.of(
            "io.stagingcanary.incident.Incident",
            "io.stagingcanary.runs.ToolRun",
            "io.stagingcanary.store.LedgerEntry",
            "io.stagingcanary.data.DataRecord",
            "io.stagingcanary.alerts.Alert")) {
      noClasses()
          .that(
              DescribedPredicate.describe(
                  "are not " + type + " or its builder",
                  (JavaClass c) ->
                      !c.getName().equals(type) && !c.getName().startsWith(type + "$")))
          .should()
          .callConstructorWhere(
              DescribedPredicate.describe(
                  "the constructor of " + type,
                  (JavaConstructorCall call) -> call.getTargetOwner().getName().equals(type)))
          .because("a long positional constructor is easy to build half-empty; use the builder")
          .check(mainClasses);
    }
  }
}
