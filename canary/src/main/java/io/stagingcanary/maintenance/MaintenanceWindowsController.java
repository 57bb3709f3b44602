package io.stagingcanary.maintenance;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** {@code /api/v1/maintenance-windows}: declare, list and end maintenance windows. */
@RestController
@RequestMapping("/api/v1/maintenance-windows")
class MaintenanceWindowsController {

  private final MaintenanceWindows windows;
  private final Clock clock;

  MaintenanceWindowsController(MaintenanceWindows windows, Clock clock) {
    this.windows = windows;
    this.clock = clock;
  }

  /** A window as the API shows it. */
  record WindowView(
      String id,
      Instant start,
      Instant end,
      String reason,
      String mode,
      MaintenanceWindow.Matchers matchers,
      String state,
      Instant createdAt,
      Instant deletedAt) {

    static WindowView of(MaintenanceWindow w, Instant now) {
      return new WindowView(
          w.id(),
          w.start(),
          w.end(),
          w.reason(),
          w.mode().wire(),
          w.matchers(),
          w.state(now).name().toLowerCase(Locale.ROOT),
          w.createdAt(),
          w.deletedAt());
    }
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  WindowView create(@RequestBody MaintenanceWindows.Request request) {
    try {
      return WindowView.of(windows.create(request), clock.instant());
    } catch (IllegalArgumentException e) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST, "invalid maintenance window: " + e.getMessage());
    }
  }

  @GetMapping
  List<WindowView> list(
      @RequestParam(required = false) String state, @RequestParam(defaultValue = "100") int limit) {
    Instant now = clock.instant();
    MaintenanceWindow.State wanted = state(state);
    return windows.list(Math.max(1, Math.min(limit, 1000))).stream()
        .filter(w -> wanted == null || w.state(now) == wanted)
        .map(w -> WindowView.of(w, now))
        .toList();
  }

  @GetMapping("/{id}")
  WindowView get(@PathVariable String id) {
    return WindowView.of(
        windows
            .find(id)
            .orElseThrow(
                () ->
                    new ResponseStatusException(
                        HttpStatus.NOT_FOUND, "no maintenance window " + id)),
        clock.instant());
  }

  @DeleteMapping("/{id}")
  WindowView delete(@PathVariable String id) {
    return WindowView.of(
        windows
            .delete(id)
            .orElseThrow(
                () ->
                    new ResponseStatusException(
                        HttpStatus.NOT_FOUND, "no maintenance window " + id)),
        clock.instant());
  }

  private static MaintenanceWindow.State state(String state) {
    if (state == null || state.isBlank()) {
      return null;
    }
    try {
      return MaintenanceWindow.State.valueOf(state.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST,
          "state '" + state + "' is not one of upcoming, active, ended, deleted");
    }
  }
}
