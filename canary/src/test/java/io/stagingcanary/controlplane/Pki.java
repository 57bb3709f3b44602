package io.stagingcanary.controlplane;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates and keys of the test control plane, generated in pure Java (BouncyCastle builds the
 * X.509 structures; keys are JDK EC P-256 keys). Written as PEM files the Go binaries read.
 */
final class Pki {

  private static final List<String> SERVING_DNS_NAMES =
      List.of(
          "localhost",
          "kubernetes",
          "kubernetes.default",
          "kubernetes.default.svc",
          "kubernetes.default.svc.cluster.local");
  private static final List<String> SERVING_IPS = List.of("127.0.0.1", "10.0.0.1");

  final Path caCertificate;
  final Path servingCertificate;
  final Path servingKey;
  final Path serviceAccountKey;
  final Path serviceAccountPublicKey;
  private final X509Certificate ca;

  private Pki(Path directory, X509Certificate ca) {
    this.caCertificate = directory.resolve("ca.crt");
    this.servingCertificate = directory.resolve("apiserver.crt");
    this.servingKey = directory.resolve("apiserver.key");
    this.serviceAccountKey = directory.resolve("sa.key");
    this.serviceAccountPublicKey = directory.resolve("sa.pub");
    this.ca = ca;
  }

  static Pki generate(Path directory) throws IOException, GeneralSecurityException {
    Files.createDirectories(directory);
    KeyPair caKeys = newKeyPair();
    Instant now = Instant.now();
    X500Name caName = new X500Name("CN=staging-canary-test-ca");
    X509Certificate ca =
        sign(
            caName,
            caName,
            caKeys.getPublic(),
            caKeys,
            now,
            builder -> {
              builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
              builder.addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(
                      KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            });

    KeyPair servingKeys = newKeyPair();
    X509Certificate serving =
        sign(
            caName,
            new X500Name("CN=kube-apiserver"),
            servingKeys.getPublic(),
            caKeys,
            now,
            builder -> {
              builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
              builder.addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
              builder.addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
              GeneralName[] names = new GeneralName[SERVING_DNS_NAMES.size() + SERVING_IPS.size()];
              int i = 0;
              for (String dns : SERVING_DNS_NAMES) {
                names[i++] = new GeneralName(GeneralName.dNSName, dns);
              }
              for (String ip : SERVING_IPS) {
                names[i++] = new GeneralName(GeneralName.iPAddress, ip);
              }
              builder.addExtension(
                  Extension.subjectAlternativeName, false, new GeneralNames(names));
            });

    KeyPair serviceAccountKeys = newKeyPair();

    Pki pki = new Pki(directory, ca);
    writePem(pki.caCertificate, "CERTIFICATE", ca.getEncoded());
    writePem(pki.servingCertificate, "CERTIFICATE", serving.getEncoded());
    writePem(pki.servingKey, "PRIVATE KEY", servingKeys.getPrivate().getEncoded());
    writePem(pki.serviceAccountKey, "PRIVATE KEY", serviceAccountKeys.getPrivate().getEncoded());
    writePem(
        pki.serviceAccountPublicKey, "PUBLIC KEY", serviceAccountKeys.getPublic().getEncoded());
    return pki;
  }

  X509Certificate ca() {
    return ca;
  }

  String caPem() throws IOException {
    return Files.readString(caCertificate);
  }

  /** An SSL context that trusts exactly the test CA. */
  SSLContext sslContext() throws GeneralSecurityException, IOException {
    KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
    trustStore.load(null, null);
    trustStore.setCertificateEntry("staging-canary-test-ca", ca);
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trustStore);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), new SecureRandom());
    return context;
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws IOException, GeneralSecurityException;
  }

  private static X509Certificate sign(
      X500Name issuer,
      X500Name subject,
      java.security.PublicKey subjectKey,
      KeyPair issuerKeys,
      Instant now,
      Extensions extensions)
      throws IOException, GeneralSecurityException {
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(30))),
            subject,
            subjectKey);
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    builder.addExtension(
        Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
    if (!issuer.equals(subject)) {
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          utils.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
    }
    extensions.add(builder);
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

  private static void writePem(Path file, String type, byte[] der) throws IOException {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(
        file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }
}
