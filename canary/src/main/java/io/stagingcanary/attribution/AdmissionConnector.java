package io.stagingcanary.attribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * A second Tomcat connector, HTTPS only, on {@code canary.attribution.admission.port}, for the API
 * server's admission calls: PEM certificate and key, and when {@code
 * canary.attribution.admission.tls.client-ca} is set only clients with a certificate it signed (the
 * API server's {@code --proxy-client} or webhook client certificate) get through the handshake.
 * {@link AdmissionPortFilter} keeps the admission path on this port and everything else off it.
 */
@Component
@ConditionalOnProperty(name = "canary.attribution.admission.enabled", havingValue = "true")
class AdmissionConnector implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

  private final AttributionProperties.Admission admission;

  AdmissionConnector(AttributionProperties properties) {
    this.admission = properties.admission();
  }

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    factory.addAdditionalConnectors(connector());
  }

  Connector connector() {
    AttributionProperties.Tls tls = admission.tls();
    requireReadable(tls.certificate(), "certificate");
    requireReadable(tls.privateKey(), "private-key");
    Connector connector = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
    connector.setPort(admission.port());
    connector.setScheme("https");
    connector.setSecure(true);
    AbstractHttp11Protocol<?> protocol = (AbstractHttp11Protocol<?>) connector.getProtocolHandler();
    protocol.setSSLEnabled(true);
    SSLHostConfig ssl = new SSLHostConfig();
    SSLHostConfigCertificate certificate =
        new SSLHostConfigCertificate(ssl, SSLHostConfigCertificate.Type.UNDEFINED);
    certificate.setCertificateFile(tls.certificate().toAbsolutePath().toString());
    certificate.setCertificateKeyFile(tls.privateKey().toAbsolutePath().toString());
    ssl.addCertificate(certificate);
    if (tls.clientCa() != null) {
      requireReadable(tls.clientCa(), "client-ca");
      ssl.setCertificateVerification("required");
      ssl.setTrustStore(trustStore(tls.clientCa()));
    }
    protocol.addSslHostConfig(ssl);
    return connector;
  }

  static KeyStore trustStore(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("client-ca-" + i++, ca);
      }
      if (i == 0) {
        throw new IllegalStateException(
            "canary.attribution.admission.tls.client-ca " + pem + " holds no certificate");
      }
      return store;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read canary.attribution.admission.tls.client-ca", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "canary.attribution.admission.tls.client-ca " + pem + " is not a PEM certificate", e);
    }
  }

  private static void requireReadable(Path file, String property) {
    if (!Files.isReadable(file)) {
      throw new IllegalStateException(
          "canary.attribution.admission.tls." + property + " " + file + " is not a readable file");
    }
  }
}
