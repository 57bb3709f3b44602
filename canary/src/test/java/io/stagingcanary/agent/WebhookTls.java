package io.stagingcanary.agent;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed CA and a serving certificate for {@code 127.0.0.1} signed by it, as PEM files: what
 * cert-manager would give the admission observer, for a test in which the API server calls it.
 */
final class WebhookTls {

  final Path caCertificate;
  final Path certificate;
  final Path privateKey;

  private WebhookTls(Path caCertificate, Path certificate, Path privateKey) {
    this.caCertificate = caCertificate;
    this.certificate = certificate;
    this.privateKey = privateKey;
  }

  static WebhookTls generate(Path directory) throws IOException, GeneralSecurityException {
    Files.createDirectories(directory);
    KeyPair caKeys = newKeyPair();
    KeyPair servingKeys = newKeyPair();
    X500Name caName = new X500Name("CN=admission-observer-test-ca");
    X509Certificate ca = sign(caName, caName, caKeys, caKeys, true);
    X509Certificate serving =
        sign(caName, new X500Name("CN=staging-canary-admission"), servingKeys, caKeys, false);
    WebhookTls tls =
        new WebhookTls(
            directory.resolve("ca.crt"),
            directory.resolve("tls.crt"),
            directory.resolve("tls.key"));
    write(tls.caCertificate, "CERTIFICATE", ca.getEncoded());
    write(tls.certificate, "CERTIFICATE", serving.getEncoded());
    write(tls.privateKey, "PRIVATE KEY", servingKeys.getPrivate().getEncoded());
    return tls;
  }

  String caBundle() throws IOException {
    return Base64.getEncoder().encodeToString(Files.readAllBytes(caCertificate));
  }

  private static X509Certificate sign(
      X500Name issuer, X500Name subject, KeyPair subjectKeys, KeyPair issuerKeys, boolean ca)
      throws IOException, GeneralSecurityException {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(1))),
            subject,
            subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (!ca) {
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")
              }));
    }
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static void write(Path file, String type, byte[] der) throws IOException {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(
        file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }
}
