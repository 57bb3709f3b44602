package io.stagingcanary;

import static org.assertj.core.api.Assertions.assertThat;

import archfixture.AskingFeature;
import archfixture.FixtureController;
import archfixture.FixtureStore;
import archfixture.MisnamedEndpoints;
import archfixture.ReportWriter;
import archfixture.ThreadMaker;
import archfixture.UsesTheApi;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each rule of {@link ArchitectureTest} bites: evaluated on a class under src/test that breaks it
 * (package {@code archfixture}, outside the agent's packages so no Spring scan finds them), it
 * reports that class; on one that keeps it, nothing.
 */
class ArchitectureRulesBiteTest {

  private static JavaClasses of(Class<?>... classes) {
    return new ClassFileImporter().importClasses(classes);
  }

  private static EvaluationResult evaluate(ArchRule rule, Class<?>... classes) {
    return rule.evaluate(of(classes));
  }

  @Test
  void threadsMadeOutsideThePlatformAreReported() {
    EvaluationResult result =
        evaluate(ArchitectureTest.THREADS_ONLY_FROM_THE_PLATFORM, ThreadMaker.class);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anyMatch(d -> d.contains("Thread.<init>"))
        .anyMatch(d -> d.contains("Executors.newSingleThreadExecutor"));
    assertThat(
            evaluate(ArchitectureTest.THREADS_ONLY_FROM_THE_PLATFORM, FixtureStore.class)
                .hasViolation())
        .isFalse();
  }

  @Test
  void sqlOutsideAStoreIsReportedAndAStoreMayUseIt() {
    assertThat(evaluate(ArchitectureTest.JDBC_ONLY_IN_STORES, ReportWriter.class).hasViolation())
        .isTrue();
    assertThat(
            evaluate(ArchitectureTest.JDBC_ONLY_IN_STORES, FixtureStore.class, ThreadMaker.class)
                .hasViolation())
        .isFalse();
  }

  @Test
  void aFeatureThatDependsOnTheApiIsReported() {
    assertThat(
            evaluate(ArchitectureTest.NOTHING_DEPENDS_ON_THE_API, UsesTheApi.class).hasViolation())
        .isTrue();
    assertThat(
            evaluate(ArchitectureTest.NOTHING_DEPENDS_ON_THE_API, ReportWriter.class)
                .hasViolation())
        .isFalse();
  }

  @Test
  void aCalledOrMisnamedControllerIsReported() {
    assertThat(
            evaluate(
                    ArchitectureTest.CONTROLLERS_ARE_LEAVES,
                    FixtureController.class,
                    AskingFeature.class)
                .hasViolation())
        .isTrue();
    assertThat(
            evaluate(ArchitectureTest.CONTROLLERS_ARE_LEAVES, MisnamedEndpoints.class)
                .hasViolation())
        .isTrue();
    assertThat(
            evaluate(ArchitectureTest.CONTROLLERS_ARE_LEAVES, FixtureController.class)
                .hasViolation())
        .isFalse();
  }

  @Test
  void aPlatformClassThatKnowsAFeatureIsReported() throws Exception {
    Class<?> fixture = Class.forName("io.stagingcanary.platform.FeatureAwareFixture");

    assertThat(evaluate(ArchitectureTest.PLATFORM_DEPENDS_ON_NO_FEATURE, fixture).hasViolation())
        .isTrue();
    assertThat(
            evaluate(
                    ArchitectureTest.PLATFORM_DEPENDS_ON_NO_FEATURE,
                    io.stagingcanary.platform.ComponentExecutors.class)
                .hasViolation())
        .isFalse();
  }

  @Test
  void aPackageCycleIsReported() {
    JavaClasses cycle = new ClassFileImporter().importPackages("archfixture.cycle");

    assertThat(ArchitectureTest.noCycles("archfixture.cycle.(*)..").evaluate(cycle).hasViolation())
        .isTrue();
  }

  @Test
  void aPackageWithoutPackageInfoIsReported(@TempDir Path sources) throws Exception {
    Path documented = Files.createDirectories(sources.resolve("io/stagingcanary/documented"));
    Files.writeString(documented.resolve("A.java"), "package io.stagingcanary.documented;");
    Files.writeString(
        documented.resolve("package-info.java"), "package io.stagingcanary.documented;");
    Path bare = Files.createDirectories(sources.resolve("io/stagingcanary/bare"));
    Files.writeString(bare.resolve("B.java"), "package io.stagingcanary.bare;");

    assertThat(ArchitectureTest.packagesWithoutPackageInfo(sources))
        .containsExactly("io.stagingcanary.bare");
  }
}
