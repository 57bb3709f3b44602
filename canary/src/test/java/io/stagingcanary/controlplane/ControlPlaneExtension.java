package io.stagingcanary.controlplane;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension behind {@link RealControlPlane}: starts the shared {@link ControlPlane} lazily
 * (once per JVM), registers it in the root store so it is stopped when the test run ends (a JVM
 * shutdown hook stops it too), and resolves {@link ControlPlane} and {@link KubernetesClient}
 * parameters.
 *
 * <p>Missing binaries skip the tests (reported as skipped, with the build command as reason),
 * unless the environment variable {@value #REQUIRED_ENV} is {@code true} (set it in CI so that a
 * missing build step fails instead of skipping silently).
 */
public final class ControlPlaneExtension
    implements ExecutionCondition, BeforeAllCallback, ParameterResolver {

  public static final String REQUIRED_ENV = "CANARY_CONTROL_PLANE_REQUIRED";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ControlPlaneExtension.class);

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    ControlPlaneBinaries binaries = ControlPlaneBinaries.locate();
    if (binaries.missing().isEmpty() || required()) {
      return ConditionEvaluationResult.enabled("control-plane binaries in " + binaries.directory());
    }
    return ConditionEvaluationResult.disabled(binaries.missingMessage());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    controlPlane(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == ControlPlane.class || type == KubernetesClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ControlPlane controlPlane = controlPlane(context);
    return parameter.getParameter().getType() == ControlPlane.class
        ? controlPlane
        : controlPlane.client();
  }

  private static ControlPlane controlPlane(ExtensionContext context) {
    ControlPlaneBinaries binaries = ControlPlaneBinaries.locate();
    if (!binaries.missing().isEmpty()) {
      // Only reached when required (otherwise the execution condition disabled the test).
      throw new IllegalStateException(
          binaries.missingMessage() + " (" + REQUIRED_ENV + "=true: not skipping)");
    }
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(ControlPlane.class, key -> ControlPlane.shared(), ControlPlane.class);
  }

  private static boolean required() {
    return "true".equalsIgnoreCase(System.getenv(REQUIRED_ENV));
  }
}
