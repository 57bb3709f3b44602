package io.stagingcanary.agent;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Fault injection for the ledger: a DataSource wrapper whose statements refuse every write (INSERT,
 * UPDATE, DELETE, MERGE) with the error H2 gives on a full disk while {@link #failing} is set;
 * reads go through. Installed by {@link #wrapper()} as a bean post-processor.
 */
final class FaultyLedger implements DataSource {

  static final AtomicBoolean failing = new AtomicBoolean();
  static final AtomicInteger refused = new AtomicInteger();

  private final DataSource delegate;

  FaultyLedger(DataSource delegate) {
    this.delegate = delegate;
  }

  /** Wraps the application's DataSource bean. */
  static BeanPostProcessor wrapper() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        return bean instanceof DataSource ds && !(bean instanceof FaultyLedger)
            ? new FaultyLedger(ds)
            : bean;
      }
    };
  }

  static boolean isWrite(Object sql) {
    if (!(sql instanceof String text)) {
      return false;
    }
    String start = text.stripLeading().toUpperCase(Locale.ROOT);
    return start.startsWith("INSERT")
        || start.startsWith("UPDATE")
        || start.startsWith("DELETE")
        || start.startsWith("MERGE");
  }

  static SQLException diskFull() {
    refused.incrementAndGet();
    return new SQLException("No space left on device (injected by the test)", "90100", 90100);
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return wrap(delegate.getConnection(username, password));
  }

  private static Connection wrap(Connection connection) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          String name = method.getName();
          if (failing.get()
              && (name.equals("prepareStatement") || name.equals("prepareCall"))
              && args != null
              && isWrite(args[0])) {
            throw diskFull();
          }
          Object result = invoke(method, connection, args);
          if (result instanceof Statement statement && name.equals("createStatement")) {
            return wrapStatement(statement);
          }
          return result;
        };
    return (Connection)
        Proxy.newProxyInstance(
            FaultyLedger.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
  }

  private static Statement wrapStatement(Statement statement) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (failing.get()
              && method.getName().startsWith("execute")
              && args != null
              && args.length > 0
              && isWrite(args[0])) {
            throw diskFull();
          }
          return invoke(method, statement, args);
        };
    return (Statement)
        Proxy.newProxyInstance(
            FaultyLedger.class.getClassLoader(), new Class<?>[] {Statement.class}, handler);
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getGlobal();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return type.isInstance(this) ? type.cast(this) : delegate.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || delegate.isWrapperFor(type);
  }
}
