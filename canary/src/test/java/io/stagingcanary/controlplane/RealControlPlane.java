package io.stagingcanary.controlplane;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against the real Kubernetes control plane shared by the test JVM
 * (see {@link ControlPlane}). Test methods and constructors may declare {@link ControlPlane} and
 * {@link io.fabric8.kubernetes.client.KubernetesClient} parameters. Without built binaries the
 * class is skipped, with a message telling how to build them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("control-plane")
@ExtendWith(ControlPlaneExtension.class)
public @interface RealControlPlane {}
