package io.stagingcanary.alerts;

import static io.stagingcanary.alerts.TestAlerts.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.TestJdbc;
import io.stagingcanary.incident.JdbcIncidentStore;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the outbox must do on every supported database; subclasses provide the database. */
abstract class OutboxContract {

  HikariDataSource dataSource;
  AlertOutbox outbox;
  JdbcIncidentStore incidents;

  /** A migrated pool on an empty database. */
  abstract HikariDataSource newDatabase();

  @BeforeEach
  void open() {
    dataSource = newDatabase();
    outbox =
        new AlertOutbox(
            TestJdbc.client(dataSource),
            TestJdbc.transactions(dataSource),
            Clock.fixed(T0, ZoneOffset.UTC));
    incidents = new JdbcIncidentStore(dataSource);
  }

  @AfterEach
  void close() {
    dataSource.close();
  }

  @Test
  void anAlertIsStoredOncePerChannelWhateverHowOftenItIsWritten() {
    Alert alert = TestAlerts.firing("inc-1");
    assertThat(outbox.enqueue(alert, List.of("slack-0", "log"), OutboxEntry.State.PENDING, null))
        .isEqualTo(2);
    assertThat(outbox.enqueue(alert, List.of("slack-0", "log"), OutboxEntry.State.PENDING, null))
        .isZero();
    List<OutboxEntry> rows = outbox.forSubject("inc-1");
    assertThat(rows).extracting(OutboxEntry::channel).containsExactly("slack-0", "log");
    assertThat(rows.get(0).alert()).isEqualTo(alert);
    assertThat(rows.get(0).idempotencyKey()).isEqualTo("SentinelLoss:inc-1:firing/slack-0");
    assertThat(outbox.countPending()).isEqualTo(2);
  }

  @Test
  void theHeadOfAChannelIsItsOldestPendingEntry() {
    outbox.enqueue(TestAlerts.firing("inc-1"), List.of("a"), OutboxEntry.State.PENDING, null);
    outbox.enqueue(TestAlerts.firing("inc-2"), List.of("a"), OutboxEntry.State.PENDING, null);
    OutboxEntry first = outbox.head("a").orElseThrow();
    assertThat(first.subject()).isEqualTo("inc-1");
    outbox.attemptFailed(first.id(), "HTTP 503: down", T0.plusSeconds(30));
    OutboxEntry again = outbox.head("a").orElseThrow();
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(again.attempts()).isEqualTo(1);
    assertThat(again.lastError()).isEqualTo("HTTP 503: down");
    assertThat(again.nextAttemptAt()).isEqualTo(T0.plusSeconds(30));
    outbox.delivered(first.id());
    assertThat(outbox.head("a").orElseThrow().subject()).isEqualTo("inc-2");
    assertThat(outbox.find(first.id()).orElseThrow().state())
        .isEqualTo(OutboxEntry.State.DELIVERED);
  }

  @Test
  void aRefusedEntryIsFailedWithTheAnswerAndCanBeRetried() {
    outbox.enqueue(TestAlerts.firing("inc-1"), List.of("a"), OutboxEntry.State.PENDING, null);
    long id = outbox.head("a").orElseThrow().id();
    outbox.failed(id, "HTTP 400: invalid_payload");
    assertThat(outbox.head("a")).isEmpty();
    assertThat(outbox.list(OutboxEntry.State.FAILED, 10))
        .singleElement()
        .satisfies(e -> assertThat(e.lastError()).isEqualTo("HTTP 400: invalid_payload"));
    assertThat(outbox.retry(id)).isTrue();
    assertThat(outbox.retry(id)).isFalse();
    assertThat(outbox.head("a")).isPresent();
  }

  @Test
  void activeAlertsAreDeliveredFiringAlertsWithoutAResolve() {
    Alert one = TestAlerts.firing("inc-1");
    Alert two = TestAlerts.firing("inc-2");
    outbox.enqueue(one, List.of("am"), OutboxEntry.State.PENDING, null);
    outbox.enqueue(two, List.of("am"), OutboxEntry.State.PENDING, null);
    assertThat(outbox.active("am")).isEmpty();
    outbox.list(null, 10).forEach(e -> outbox.delivered(e.id()));
    assertThat(outbox.active("am")).extracting(Alert::subject).containsExactly("inc-1", "inc-2");
    outbox.enqueue(
        one.resolvedAt(T0.plusSeconds(60)), List.of("am"), OutboxEntry.State.PENDING, null);
    assertThat(outbox.active("am")).extracting(Alert::subject).containsExactly("inc-2");
    assertThat(outbox.unresolved(Alert.SENTINEL_LOSS, "c-1"))
        .extracting(Alert::subject)
        .containsExactly("inc-2");
  }

  @Test
  void outboxRowsCommitAndRollBackWithTheIncident() {
    assertThatThrownBy(
            () ->
                incidents.inTransaction(
                    () -> {
                      incidents.insert(TestAlerts.incident("inc-1", T0, null));
                      outbox.enqueue(
                          TestAlerts.firing("inc-1"),
                          List.of("a"),
                          OutboxEntry.State.PENDING,
                          null);
                      throw new IllegalStateException("crash before commit");
                    }))
        .hasMessage("crash before commit");
    assertThat(incidents.find("inc-1")).isEmpty();
    assertThat(outbox.countPending()).isZero();

    incidents.inTransaction(
        () -> {
          incidents.insert(TestAlerts.incident("inc-2", T0, null));
          outbox.enqueue(TestAlerts.firing("inc-2"), List.of("a"), OutboxEntry.State.PENDING, null);
        });
    assertThat(incidents.find("inc-2")).isPresent();
    assertThat(outbox.countPending()).isEqualTo(1);
  }
}
