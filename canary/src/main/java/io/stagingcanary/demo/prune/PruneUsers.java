package io.stagingcanary.demo.prune;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Removes the users that never purchased anything, with their projects and identities: {@code
 * prune-users --kubeconfig F --mode flawed|fixed [--selector S] [--dry-run]}.
 *
 * <ul>
 *   <li>{@code fixed}: lists the users matching the selector (default {@code purchased=false}),
 *       skips any that carry {@code purchased=true}, and removes a project only if the user owns
 *       it: its {@code openshift.io/requester} annotation names the user AND its {@code admin}
 *       RoleBinding binds the user.
 *   <li>{@code flawed}: the 2017 bug. Only the key of the selector reaches the API ({@code
 *       purchased} instead of {@code purchased=false}), so every user with the label matches,
 *       paying ones included; and a user's projects are found by that same label, which every
 *       project carries, instead of by ownership. It removes paying customers' users, projects and
 *       everything in them.
 * </ul>
 *
 * Deleting a project also deletes the namespace of the same name (what OpenShift does by itself; on
 * API servers where a Project is a separate object the tool does it explicitly).
 */
public final class PruneUsers {

  /** Which version of the tool runs. */
  public enum Mode {
    FLAWED,
    FIXED
  }

  /** What one run selected and removed (or would remove, with {@code dryRun}). */
  public record Result(List<String> users, List<String> projects, List<String> deleted) {}

  /** Parsed command line. */
  public record Options(Path kubeconfig, Mode mode, String selector, boolean dryRun) {}

  public static final String DEFAULT_SELECTOR = "purchased=false";

  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;

  private static final String USAGE =
      "usage: java -jar canary.jar prune-users --kubeconfig FILE --mode flawed|fixed"
          + " [--selector S] [--dry-run]";

  private static final String HELP =
      USAGE
          + """


          Removes the users that never purchased anything, with their identities and the projects
          they own. The ops tool of the 2017 replay ('demo'): a tool under test, not the agent; it
          deletes through its own client.

            --kubeconfig FILE   the cluster to prune (required)
            --mode fixed        remove the users the selector matches and the projects each owns
                                (requester annotation AND admin RoleBinding)
            --mode flawed       the 2017 bug: only the selector's key reaches the API and projects
                                are matched by label, so paying tenants are removed too
            --selector S        the users to remove (default: purchased=false)
            --dry-run           list what would be removed, remove nothing
            -h, --help          print this text

          Exit codes: 0 ran to the end (or listed, with --dry-run); 1 failed talking to the
          cluster, or --mode fixed refused a selector that compares no value; 2 bad command line
          or unreadable --kubeconfig.
          """;
  private static final String REQUESTER = "openshift.io/requester";
  private static final ResourceDefinitionContext USERS =
      context("user.openshift.io", "User", "users");
  private static final ResourceDefinitionContext IDENTITIES =
      context("user.openshift.io", "Identity", "identities");
  private static final ResourceDefinitionContext PROJECTS =
      context("project.openshift.io", "Project", "projects");

  private final KubernetesClient client;
  private final PrintStream out;

  public PruneUsers(KubernetesClient client, PrintStream out) {
    this.client = client;
    this.out = out;
  }

  /** Command-line entry: parses, connects with the kubeconfig, runs, returns the exit code. */
  public static int main(String[] args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("prune-users: " + e.getMessage());
      err.println(USAGE);
      return EXIT_USAGE;
    }
    if (options == null) {
      out.print(HELP);
      return EXIT_OK;
    }
    Config config;
    try {
      config =
          Config.fromKubeconfig(
              null,
              Files.readString(options.kubeconfig()),
              options.kubeconfig().toAbsolutePath().toString());
    } catch (Exception e) {
      err.println("prune-users: cannot read --kubeconfig " + options.kubeconfig() + ": " + e);
      return EXIT_USAGE;
    }
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      new PruneUsers(client, out).run(options.mode(), options.selector(), options.dryRun());
      return EXIT_OK;
    } catch (KubernetesClientException | IllegalArgumentException e) {
      err.println("prune-users: failed: " + e.getMessage());
      return EXIT_FAILED;
    }
  }

  /** The parsed command line; {@code null} when it asks for {@code --help}. */
  static Options parse(String[] args) {
    Path kubeconfig = null;
    Mode mode = null;
    String selector = DEFAULT_SELECTOR;
    boolean dryRun = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "prune-users" -> {
          if (i != 0) {
            throw new IllegalArgumentException("unexpected argument 'prune-users'");
          }
        }
        case "--kubeconfig" -> kubeconfig = new File(value(args, ++i, "--kubeconfig")).toPath();
        case "--mode" -> mode = mode(value(args, ++i, "--mode"));
        case "--selector" -> selector = value(args, ++i, "--selector");
        case "--dry-run" -> dryRun = true;
        case "--help", "-h" -> {
          return null;
        }
        default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
      }
    }
    if (kubeconfig == null) {
      throw new IllegalArgumentException("--kubeconfig is required");
    }
    if (mode == null) {
      throw new IllegalArgumentException("--mode is required (flawed or fixed)");
    }
    return new Options(kubeconfig, mode, selector, dryRun);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static Mode mode(String value) {
    try {
      return Mode.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--mode must be flawed or fixed, not '" + value + "'", e);
    }
  }

  /** Prunes the users the selector matches, their projects and identities. */
  public Result run(Mode mode, String selector, boolean dryRun) {
    out.printf("prune-users mode=%s selector=%s dry-run=%s%n", mode, selector, dryRun);
    List<GenericKubernetesResource> users = selectUsers(mode, selector);
    String labelKey = labelKey(selector);
    List<GenericKubernetesResource> projects =
        client.genericKubernetesResources(PROJECTS).list().getItems();
    List<String> userNames = new ArrayList<>();
    List<String> projectNames = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    for (GenericKubernetesResource user : users) {
      String name = user.getMetadata().getName();
      userNames.add(name);
      for (GenericKubernetesResource project : projects) {
        String projectName = project.getMetadata().getName();
        if (belongsTo(mode, project, name, labelKey) && !projectNames.contains(projectName)) {
          projectNames.add(projectName);
          out.printf("user %s: project %s%n", name, projectName);
          if (!dryRun) {
            deleteProject(projectName, deleted);
          }
        }
      }
      if (!dryRun) {
        deleteIdentities(name, deleted);
        if (!client.genericKubernetesResources(USERS).withName(name).delete().isEmpty()) {
          deleted.add("User " + name);
        }
      }
    }
    out.printf(
        "%s %d users, %d projects%n",
        dryRun ? "would prune" : "pruned", userNames.size(), projectNames.size());
    return new Result(List.copyOf(userNames), List.copyOf(projectNames), List.copyOf(deleted));
  }

  private List<GenericKubernetesResource> selectUsers(Mode mode, String selector) {
    if (mode == Mode.FLAWED) {
      // "purchased=false" trimmed to "purchased": every user billing ever labelled matches.
      return client
          .genericKubernetesResources(USERS)
          .withLabel(labelKey(selector))
          .list()
          .getItems();
    }
    if (selector.isBlank() || !selector.contains("=")) {
      throw new IllegalArgumentException(
          "--selector '" + selector + "' must compare a label with a value, e.g. purchased=false");
    }
    List<GenericKubernetesResource> selected = new ArrayList<>();
    for (GenericKubernetesResource user :
        client.genericKubernetesResources(USERS).withLabelSelector(selector).list().getItems()) {
      Map<String, String> labels = user.getMetadata().getLabels();
      if (labels != null && "true".equals(labels.get("purchased"))) {
        out.printf("user %s: skipped, purchased=true%n", user.getMetadata().getName());
      } else {
        selected.add(user);
      }
    }
    return selected;
  }

  private static String labelKey(String selector) {
    return selector.split("[=!]")[0].trim();
  }

  private boolean belongsTo(
      Mode mode, GenericKubernetesResource project, String user, String labelKey) {
    String name = project.getMetadata().getName();
    if (mode == Mode.FLAWED) {
      // The billing label, not the owner: every project that carries it "belongs" to the user.
      Map<String, String> labels = project.getMetadata().getLabels();
      return labels != null && labels.containsKey(labelKey);
    }
    Map<String, String> annotations = project.getMetadata().getAnnotations();
    return annotations != null && user.equals(annotations.get(REQUESTER)) && isAdmin(name, user);
  }

  private boolean isAdmin(String namespace, String user) {
    for (RoleBinding binding :
        client.rbac().roleBindings().inNamespace(namespace).list().getItems()) {
      if ("admin".equals(binding.getRoleRef().getName())
          && binding.getSubjects() != null
          && binding.getSubjects().stream()
              .anyMatch(s -> "User".equals(s.getKind()) && user.equals(s.getName()))) {
        return true;
      }
    }
    return false;
  }

  private void deleteProject(String name, List<String> deleted) {
    if (!client.genericKubernetesResources(PROJECTS).withName(name).delete().isEmpty()) {
      deleted.add("Project " + name);
    }
    if (!client.namespaces().withName(name).delete().isEmpty()) {
      deleted.add("Namespace " + name);
    }
  }

  private void deleteIdentities(String user, List<String> deleted) {
    for (GenericKubernetesResource identity :
        client.genericKubernetesResources(IDENTITIES).list().getItems()) {
      Object owner = identity.getAdditionalProperties().get("user");
      if (owner instanceof Map<?, ?> ref && user.equals(ref.get("name"))) {
        String name = identity.getMetadata().getName();
        client.genericKubernetesResources(IDENTITIES).withName(name).delete();
        deleted.add("Identity " + name);
      }
    }
  }

  private static ResourceDefinitionContext context(String group, String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion("v1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(false)
        .build();
  }
}
