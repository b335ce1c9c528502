package space.share.room.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The room controller's meters and their names, on one Prometheus registry ({@link #scrape()}). Micrometer writes a
 * dotted name in snake case and adds {@code _total} to counters ({@code share.space.room.join.failures} →
 * {@code share_space_room_join_failures_total}). Thread-safe.
 */
public final class RoomMetrics implements AutoCloseable {
  static final String ROOMS = "share.space.room.rooms";
  static final String MEMBERS = "share.space.room.members";
  static final String MEMBERS_JOINED = "share.space.room.members.joined";
  static final String JOIN_FAILURES = "share.space.room.join.failures";
  static final String CONTROL_CHANGES = "share.space.room.control.changes";
  static final String VNC_SESSIONS_OPEN = "share.space.room.vnc.sessions.open";
  static final String VNC_SESSIONS = "share.space.room.vnc.sessions";
  static final String DESKTOP_RESTARTS = "share.space.room.desktop.restarts";
  static final String REASON = "reason";

  /** Why a join was refused. */
  public enum JoinFailure {
    /** The passcode did not match. */
    WRONG_PASSCODE,
    /** The address or the room was over its wrong-passcode budget (429). */
    THROTTLED,
    /** The room had {@code room.members.max-per-room} active members. */
    FULL,
    /** Every passcode check slot was taken (503). */
    BUSY,
    /** No such room (or a malformed id). */
    UNKNOWN_ROOM
  }

  /** What moved control ({@code ControlState}'s reasons; anything else counts as {@code other}). */
  private static final String[] CONTROL_REASONS = {"request", "idle", "release", "give", "take", "left", "other"};

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter membersJoined;
  private final Counter[] joinFailures;
  private final ConcurrentMap<String, Counter> controlChanges = new ConcurrentHashMap<>();
  /** What the function meters read: Micrometer holds their objects weakly. */
  private final java.util.List<Object> sources = new java.util.concurrent.CopyOnWriteArrayList<>();
  private JvmGcMetrics gc;

  public RoomMetrics() {
    membersJoined = Counter.builder(MEMBERS_JOINED).description("Member sessions created by a join")
        .register(registry);
    joinFailures = new Counter[JoinFailure.values().length];
    for (JoinFailure reason : JoinFailure.values()) {
      joinFailures[reason.ordinal()] = Counter.builder(JOIN_FAILURES).tag(REASON, label(reason))
          .description("Joins refused, by reason").register(registry);
    }
    for (String reason : CONTROL_REASONS) {
      controlChanges.put(reason, Counter.builder(CONTROL_CHANGES).tag(REASON, reason)
          .description("Changes of the member holding a room's control, by what moved it").register(registry));
    }
  }

  private static String label(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /** Adds the JVM's memory, GC, thread and CPU meters (the process does; tests need not). */
  public RoomMetrics withJvmMeters() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return this;
  }

  public void memberJoined() {
    membersJoined.increment();
  }

  public void joinFailed(JoinFailure reason) {
    joinFailures[reason.ordinal()].increment();
  }

  /** @param reason {@code ControlState}'s word for it; an unknown one counts as {@code other} (the set stays fixed) */
  public void controlChanged(String reason) {
    Counter counter = controlChanges.get(reason);
    (counter != null ? counter : controlChanges.get("other")).increment();
  }

  /** Live rooms and active member sessions, read at scrape time. */
  public void bindRooms(IntSupplier rooms, IntSupplier activeMembers) {
    Gauge.builder(ROOMS, () -> rooms.getAsInt()).description("Live rooms").register(registry);
    Gauge.builder(MEMBERS, () -> activeMembers.getAsInt())
        .description("Active member sessions (joined, not left, not expired) of live rooms").register(registry);
  }

  /** VNC bridges open now and opened so far, read at scrape time. */
  public void bindVnc(IntSupplier open, LongSupplier openedTotal) {
    Gauge.builder(VNC_SESSIONS_OPEN, () -> open.getAsInt()).description("VNC proxy sessions open now")
        .register(registry);
    sources.add(openedTotal);
    FunctionCounter.builder(VNC_SESSIONS, openedTotal, LongSupplier::getAsLong)
        .description("VNC proxy sessions opened").register(registry);
  }

  /** Room desktop restarts by the controller so far, read at scrape time. */
  public void bindDesktopRestarts(LongSupplier restartsTotal) {
    sources.add(restartsTotal);
    FunctionCounter.builder(DESKTOP_RESTARTS, restartsTotal, LongSupplier::getAsLong)
        .description("Room desktops restarted after their room.sh ended").register(registry);
  }

  /** Every meter in the Prometheus text format 0.0.4. */
  public String scrape() {
    return registry.scrape();
  }

  /** For tests: the registry to read meters from. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    if (gc != null) {
      gc.close();
    }
    registry.close();
  }
}
