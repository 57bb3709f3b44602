package io.stagingcanary;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The build guards the design: a pure core, no package cycles, one guarded path for cluster writes,
 * threads only from {@code platform}, JDBC only in store-like classes, the API as an edge nothing
 * depends on, and a {@code package-info.java} in every package. {@code ArchitectureRulesBiteTest}
 * proves that each rule added here fails on a class that breaks it.
 */
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

  static ArchRule noCycles(String slicePattern) {
    return slices().matching(slicePattern).should().beFreeOfCycles();
  }

  @Test
  void packagesAreFreeOfCycles() {
    noCycles("io.stagingcanary.(*)..").check(mainClasses);
  }

  /**
   * Outside the agent's Spring context: the command line, the gate's JDK-only client (its stop
   * hook) and the replay.
   */
  static final Set<String> OWN_THREADS_ALLOWED =
      Set.of(
          "io.stagingcanary.cli..",
          "io.stagingcanary.gate..",
          "io.stagingcanary.demo..",
          "io.stagingcanary.platform..");

  /** Creating a thread or a thread pool: {@code new Thread}, {@code Executors.new*}, a pool. */
  static final DescribedPredicate<JavaCall<?>> THREAD_CREATION =
      DescribedPredicate.describe(
          "creates a thread or an executor",
          call -> {
            String owner = call.getTargetOwner().getName();
            String name = call.getName();
            return (owner.equals(Thread.class.getName())
                    && (name.equals("<init>")
                        || name.equals("ofPlatform")
                        || name.equals("ofVirtual")
                        || name.equals("startVirtualThread")))
                || (owner.equals(java.util.concurrent.Executors.class.getName())
                    && name.startsWith("new"))
                || (name.equals("<init>")
                    && (owner.equals(java.util.concurrent.ThreadPoolExecutor.class.getName())
                        || owner.equals(
                            java.util.concurrent.ScheduledThreadPoolExecutor.class.getName())
                        || owner.equals(java.util.concurrent.ForkJoinPool.class.getName())
                        || owner.equals(java.util.Timer.class.getName())));
          });

  static final ArchRule THREADS_ONLY_FROM_THE_PLATFORM =
      noClasses()
          .that()
          .resideOutsideOfPackages(OWN_THREADS_ALLOWED.toArray(String[]::new))
          .should()
          .callCodeUnitWhere(THREAD_CREATION)
          .because(
              "components take named, leader-aware threads from platform.ComponentExecutors, which"
                  + " closes them in order when the context closes");

  @Test
  void threadsComeOnlyFromThePlatform() {
    THREADS_ONLY_FROM_THE_PLATFORM.check(mainClasses);
  }

  /** Classes that may talk JDBC: the ledger database's stores, and the {@code store} package. */
  static final Pattern STORE_LIKE = Pattern.compile("Jdbc.*|.*Ledger|.*Outbox|.*Store");

  /**
   * Maintenance windows are still one class for the table and its rules: splitting out a store is
   * left for later, so it is named here rather than allowed by a pattern.
   */
  static final Set<String> JDBC_EXCEPTIONS =
      Set.of("io.stagingcanary.maintenance.MaintenanceWindows");

  static final ArchRule JDBC_ONLY_IN_STORES =
      noClasses()
          .that(
              DescribedPredicate.describe(
                  "are not store-like (Jdbc*, *Ledger, *Outbox, *Store, in store, or named)",
                  (JavaClass c) -> {
                    String top = c.getName().replaceAll("\\$.*", "");
                    String simple = top.substring(top.lastIndexOf('.') + 1);
                    return !STORE_LIKE.matcher(simple).matches()
                        && !c.getPackageName().startsWith("io.stagingcanary.store")
                        && !JDBC_EXCEPTIONS.contains(top);
                  }))
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("java.sql..", "org.springframework.jdbc..")
          .because(
              "SQL lives in the stores; the rest of the agent sees records and store interfaces");

  @Test
  void jdbcOnlyInStoreLikeClasses() {
    JDBC_ONLY_IN_STORES.check(mainClasses);
  }

  static final ArchRule NOTHING_DEPENDS_ON_THE_API =
      noClasses()
          .that()
          .resideOutsideOfPackages("io.stagingcanary.api..", "io.stagingcanary.sandbox..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.stagingcanary.api..")
          .because(
              "the HTTP API is an edge over the features; only the sandbox serves it in-process");

  @Test
  void nothingOfTheAgentDependsOnTheApi() {
    NOTHING_DEPENDS_ON_THE_API.check(mainClasses);
  }

  static final ArchRule CONTROLLERS_ARE_LEAVES =
      classes()
          .that()
          .areAnnotatedWith(org.springframework.web.bind.annotation.RestController.class)
          .should()
          .haveSimpleNameEndingWith("Controller")
          .andShould()
          .onlyHaveDependentClassesThat(
              DescribedPredicate.describe(
                  "are controllers or their nested classes",
                  (JavaClass c) -> c.getName().replaceAll("\\$.*", "").endsWith("Controller")))
          .because(
              "a controller (in api or its feature package) translates HTTP to a feature's"
                  + " methods; no feature calls a controller");

  @Test
  void controllersAreEdgesNothingCalls() {
    CONTROLLERS_ARE_LEAVES.check(mainClasses);
  }

  static final ArchRule PLATFORM_DEPENDS_ON_NO_FEATURE =
      noClasses()
          .that()
          .resideInAPackage("io.stagingcanary.platform..")
          .should()
          .dependOnClassesThat(
              JavaClass.Predicates.resideInAPackage("io.stagingcanary..")
                  .and(JavaClass.Predicates.resideOutsideOfPackage("io.stagingcanary.platform..")))
          .because("every feature uses the platform: it cannot use a feature without a cycle");

  @Test
  void platformDependsOnNoFeature() {
    PLATFORM_DEPENDS_ON_NO_FEATURE.check(mainClasses);
  }

  /** The repository's root, found from the module or the root itself. */
  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("docs"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no docs/ above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  static Path mainSources() {
    return repositoryRoot().resolve("canary/src/main/java");
  }

  /** The packages under {@code sources} that hold Java classes but no {@code package-info.java}. */
  static Set<String> packagesWithoutPackageInfo(Path sources) throws IOException {
    try (Stream<Path> files = Files.walk(sources)) {
      return files
          .filter(f -> f.toString().endsWith(".java"))
          .map(Path::getParent)
          .distinct()
          .filter(dir -> !Files.exists(dir.resolve("package-info.java")))
          .map(dir -> sources.relativize(dir).toString().replace(java.io.File.separatorChar, '.'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void everyPackageSaysWhatItOwns() throws IOException {
    assertThat(packagesWithoutPackageInfo(mainSources()))
        .as(
            "packages without a package-info.java (one or two sentences: what it owns, what it"
                + " must not depend on) and its row in docs/architecture.md")
        .isEmpty();
  }

  @Test
  void theTableOfPackagesInTheDocsNamesEveryPackage() throws IOException {
    Path sources = mainSources().resolve("io/stagingcanary");
    String architecture = Files.readString(repositoryRoot().resolve("docs/architecture.md"));
    Set<String> missing = new TreeSet<>();
    try (Stream<Path> dirs = Files.walk(sources)) {
      dirs.filter(d -> !d.equals(sources) && Files.isDirectory(d))
          .map(d -> sources.relativize(d).toString().replace(java.io.File.separatorChar, '.'))
          .filter(name -> !architecture.contains("| `" + name + "` |"))
          .forEach(missing::add);
    }
    assertThat(missing).as("packages without a row in docs/architecture.md").isEmpty();
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
