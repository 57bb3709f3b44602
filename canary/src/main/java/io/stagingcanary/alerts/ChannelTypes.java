package io.stagingcanary.alerts;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Every kind of alert channel the agent has: where its settings are under {@code canary.alerts},
 * how a channel is built from them and what it can do beyond delivering. {@link AlertChannels}
 * builds the configured channels from these entries, the delivery worker asks them for
 * capabilities: adding a kind of channel is one entry in {@link #ALL} (and its settings record).
 */
final class ChannelTypes {

  private ChannelTypes() {}

  /** What a kind of channel does beyond delivering each outbox entry once. */
  enum Capability {
    /**
     * Its receiver forgets alerts that are not posted again: every active alert is re-posted each
     * {@code canary.alerts.resend-interval} (same content, same labels: not a new message).
     */
    RESENDS_ACTIVE
  }

  /** What every factory may use: the settings, one HTTP client, the delivery timeout. */
  record Context(AlertsProperties properties, HttpClient http, Duration timeout) {}

  /** Builds one channel of a type from its settings. */
  @FunctionalInterface
  interface Factory<C> {
    /**
     * @param name the configured name, or {@code <type>-<index>}
     * @param property where the settings are, e.g. {@code canary.alerts.slack[0]}, for messages
     */
    AlertChannel create(String name, C settings, String property, Context context);
  }

  /**
   * One kind of channel.
   *
   * @param type the {@link AlertChannel#type()} of its channels
   * @param property its settings' place under {@code canary.alerts}
   * @param settings the configured instances, in order
   * @param enabled whether an instance is switched on
   * @param configuredName its {@code name} setting, if it has one
   */
  record ChannelType<C>(
      String type,
      String property,
      Function<AlertsProperties, List<C>> settings,
      Predicate<C> enabled,
      Function<C, String> configuredName,
      Factory<C> factory,
      Set<Capability> capabilities) {

    ChannelType {
      capabilities = Set.copyOf(capabilities);
    }

    /** The enabled channels of this type, built from {@code context.properties()}. */
    List<AlertChannel> build(Context context) {
      List<C> configured = settings.apply(context.properties());
      List<AlertChannel> channels = new ArrayList<>();
      for (int i = 0; i < configured.size(); i++) {
        C instance = configured.get(i);
        if (enabled.test(instance)) {
          String name = configuredName.apply(instance);
          channels.add(
              factory.create(
                  name == null || name.isBlank() ? type + "-" + i : name.strip(),
                  instance,
                  property + "[" + i + "]",
                  context));
        }
      }
      return channels;
    }

    boolean can(Capability capability) {
      return capabilities.contains(capability);
    }
  }

  static final ChannelType<AlertsProperties.Alertmanager> ALERTMANAGER =
      new ChannelType<>(
          "alertmanager",
          "canary.alerts.alertmanager",
          AlertsProperties::alertmanager,
          AlertsProperties.Alertmanager::enabled,
          AlertsProperties.Alertmanager::name,
          (name, c, property, ctx) ->
              new AlertmanagerChannel(
                  name,
                  c.url(),
                  ctx.http(),
                  ctx.timeout(),
                  ctx.properties().resendInterval(),
                  ctx.properties().runbookUrl()),
          Set.of(Capability.RESENDS_ACTIVE));

  static final ChannelType<AlertsProperties.Slack> SLACK =
      new ChannelType<>(
          "slack",
          "canary.alerts.slack",
          AlertsProperties::slack,
          AlertsProperties.Slack::enabled,
          AlertsProperties.Slack::name,
          (name, c, property, ctx) -> {
            String url = Secrets.read(c.url(), c.urlFile(), property + ".url-file").strip();
            Secrets.requireUrl(url, property + ".url-file");
            return new SlackChannel(name, url, ctx.http(), ctx.timeout());
          },
          Set.of());

  static final ChannelType<AlertsProperties.PagerDuty> PAGERDUTY =
      new ChannelType<>(
          "pagerduty",
          "canary.alerts.pagerduty",
          AlertsProperties::pagerduty,
          AlertsProperties.PagerDuty::enabled,
          AlertsProperties.PagerDuty::name,
          (name, c, property, ctx) ->
              new PagerDutyChannel(
                  name,
                  c.url(),
                  Secrets.read(c.routingKey(), c.routingKeyFile(), property + ".routing-key-file"),
                  ctx.http(),
                  ctx.timeout()),
          Set.of());

  static final ChannelType<AlertsProperties.Webhook> WEBHOOK =
      new ChannelType<>(
          "webhook",
          "canary.alerts.webhooks",
          AlertsProperties::webhooks,
          AlertsProperties.Webhook::enabled,
          AlertsProperties.Webhook::name,
          (name, c, property, ctx) ->
              new WebhookChannel(
                  name,
                  c.url(),
                  c.secret() != null || c.secretFile() != null
                      ? Secrets.read(c.secret(), c.secretFile(), property + ".secret-file")
                      : null,
                  ctx.http(),
                  ctx.timeout()),
          Set.of());

  /** The agent's own log: one channel named {@code log}, off by default. */
  static final ChannelType<AlertsProperties.Log> LOG =
      new ChannelType<>(
          "log",
          "canary.alerts.log",
          p -> List.of(p.log()),
          AlertsProperties.Log::enabled,
          c -> null,
          (name, c, property, ctx) -> new LogChannel(),
          Set.of());

  /** Every kind of channel, in the order their channels are listed. */
  static final List<ChannelType<?>> ALL = List.of(ALERTMANAGER, SLACK, PAGERDUTY, WEBHOOK, LOG);

  /** The kind of channel of that {@link AlertChannel#type()}, if the agent has it. */
  static Optional<ChannelType<?>> of(String type) {
    return ALL.stream().filter(t -> t.type().equals(type)).findFirst();
  }

  /** Whether {@code channel}'s kind has {@code capability} (a channel of no known kind: no). */
  static boolean can(AlertChannel channel, Capability capability) {
    return of(channel.type()).map(t -> t.can(capability)).orElse(false);
  }
}
