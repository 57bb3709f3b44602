package io.stagingcanary.api;

import org.apache.catalina.Container;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Lets encoded separators ({@code %2F}, {@code %5C}) reach the application, where {@link
 * ApiAccessFilter} refuses them on {@code /api} as problem+json (Tomcat would answer its own 400
 * page), and replaces Tomcat's HTML error report with {@link ProblemReportValve}. Runs after Spring
 * Boot's own Tomcat customizer, which installs the valve this one replaces.
 */
@Component
class TomcatHardening
    implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }

  @Override
  public void customize(ConfigurableTomcatWebServerFactory factory) {
    factory.addConnectorCustomizers(
        connector -> {
          connector.setEncodedSolidusHandling("passthrough");
          connector.setEncodedReverseSolidusHandling("passthrough");
        });
    factory.addContextCustomizers(context -> useProblemReports(context.getParent()));
  }

  private static void useProblemReports(Container host) {
    if (host == null) {
      return;
    }
    Pipeline pipeline = host.getPipeline();
    for (Valve valve : pipeline.getValves()) {
      if (valve instanceof ErrorReportValve && !(valve instanceof ProblemReportValve)) {
        pipeline.removeValve(valve);
      }
    }
    pipeline.addValve(new ProblemReportValve());
    if (host instanceof StandardHost standardHost) {
      standardHost.setErrorReportValveClass(ProblemReportValve.class.getName());
    }
  }
}
