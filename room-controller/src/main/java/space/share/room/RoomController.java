package space.share.room;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.api.ApiHandler;
import space.share.room.api.ErrorRenderer;
import space.share.room.api.RoomSockets;
import space.share.room.desktop.DesktopSettings;
import space.share.room.desktop.KubernetesDesktopManager;
import space.share.room.desktop.ProcessDesktopManager;
import space.share.room.mediaclient.HttpMediaRevocationClient;
import space.share.room.mediaclient.HttpStreamStatusSource;
import space.share.room.mediaclient.MediaRevocationClient;
import space.share.room.mediaclient.MediaRevocations;
import space.share.room.mediaclient.StreamPoller;
import space.share.room.mediaclient.StreamStatusSource;
import space.share.room.metrics.RoomMetrics;
import space.share.room.placement.MediaHost;
import space.share.room.placement.MediaHosts;
import space.share.room.placement.Placements;
import space.share.room.rooms.DesktopManager;
import space.share.room.rooms.RoomLimits;
import space.share.room.rooms.RoomServices;
import space.share.room.rooms.RoomSettings;
import space.share.room.rooms.StaticDesktopManager;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;
import space.share.room.store.Database;
import space.share.room.store.MemberPurge;
import space.share.room.store.RoomStore;
import space.share.room.token.JoinThrottle;
import space.share.room.token.PasscodeHasher;
import space.share.room.token.SessionTokens;
import space.share.room.token.TokenSigner;
import space.share.room.token.VerificationSlots;
import space.share.room.token.VncTokens;
import space.share.room.vnc.VncBridges;
import space.share.settings.HttpLimits;
import space.share.settings.ScrapeToken;
import space.share.settings.Secrets;
import space.share.settings.Settings;
import space.share.web.MetricsGate;

/**
 * The room controller process: one Jetty server with the room API, the room WebSockets (events, VNC)
 * and the player's static files from the classpath folder {@code /player/}.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #stop()} once; not thread-safe itself.
 */
public final class RoomController {
  private static final Logger LOG = LoggerFactory.getLogger(RoomController.class);

  private final Settings config;
  private final Clock clock;
  private final StreamStatusSource streamStatus;
  private final DesktopManager desktops;
  private final Function<MediaHost, MediaRevocationClient> revocationClients;
  private final List<MediaRevocations> revocations = new ArrayList<>();
  private Database database;
  private RoomServices rooms;
  private StreamPoller poller;
  private VncBridges bridges;
  private RoomSockets sockets;
  private MemberPurge memberPurge;
  private Server server;
  private RoomMetrics metrics;
  private Function<String, ScheduledExecutorService> schedulers = DaemonThreads::scheduler;

  /** Production wiring: HTTP stream status, the desktop manager {@code room.desktop.mode} names. */
  public RoomController(Settings config) {
    this(config, Clock.systemUTC(), new HttpStreamStatusSource(Duration.ofSeconds(2)), desktopManager(config));
  }

  /**
   * {@code room.desktop.mode}: {@code none} (default) is the {@link StaticDesktopManager} (no desktop, or every
   * room's VNC at {@code room.vnc.static-target}); {@code process} runs desktop/room.sh per room; {@code kubernetes}
   * runs one pod per room (docs/kubernetes.md).
   */
  public static DesktopManager desktopManager(Settings config) {
    String mode = config.get("room.desktop.mode", "none");
    return switch (mode) {
      case "none" -> {
        String target = config.get("room.vnc.static-target", "");
        // RFB's VNC Authentication counts 8 characters of a password.
        yield StaticDesktopManager.fromConfig(target, target.isEmpty() ? config.get("room.vnc.static-password", "")
            : Secrets.require(config, "room.vnc.static-password", 8, LOG::warn));
      }
      case "process" -> new ProcessDesktopManager(DesktopSettings.fromConfig(config));
      case "kubernetes" -> KubernetesDesktopManager.fromConfig(config);
      default -> throw new IllegalArgumentException("room.desktop.mode (env " + Settings.envName("room.desktop.mode")
          + ") must be none, process or kubernetes: " + mode);
    };
  }

  /** Revocations go to every media server's internal URL over HTTP. */
  public RoomController(Settings config, Clock clock, StreamStatusSource streamStatus, DesktopManager desktops) {
    this(config, clock, streamStatus, desktops, (Function<MediaHost, MediaRevocationClient>) host ->
        httpRevocations(config, host, clock));
  }

  /** Every media server's revocations go to {@code revocationClient} (tests with one fake media server). */
  public RoomController(Settings config, Clock clock, StreamStatusSource streamStatus, DesktopManager desktops,
      MediaRevocationClient revocationClient) {
    this(config, clock, streamStatus, desktops, (Function<MediaHost, MediaRevocationClient>) host -> revocationClient);
  }

  /** @param revocationClients the revocation side of each media server (a revoked token must die on all of them) */
  public RoomController(Settings config, Clock clock, StreamStatusSource streamStatus, DesktopManager desktops,
      Function<MediaHost, MediaRevocationClient> revocationClients) {
    this.config = config;
    this.clock = clock;
    this.streamStatus = streamStatus;
    this.desktops = desktops;
    this.revocationClients = revocationClients;
  }

  /**
   * Where the background jobs run, by name ({@code media-revocations}, {@code media-revocations-<server id>} with
   * several media servers, {@code room-poller}, {@code member-purge}, {@code vnc-bridges}): by default one daemon
   * thread each; a test hands in a scheduler it advances itself. Before {@link #start()}.
   */
  public RoomController withSchedulers(Function<String, ScheduledExecutorService> schedulers) {
    this.schedulers = schedulers;
    return this;
  }

  private static MediaRevocationClient httpRevocations(Settings config, MediaHost host, Clock clock) {
    String secret = config.get("secret", "");
    return new HttpMediaRevocationClient(host.internalUrl(), Duration.ofSeconds(2),
        secret.isEmpty() ? null : new TokenSigner(secret), clock);
  }

  public static void main(String[] args) throws Exception {
    RoomController controller = new RoomController(Settings.load(System.getenv()));
    controller.start();
    Runtime.getRuntime().addShutdownHook(new Thread(controller::stop, "room-controller-shutdown"));
    controller.server.join();
  }

  /**
   * The data dir (database, logs, room logs, secrets run.sh generates) is the controller's alone: 0700, so no room
   * desktop user (nor any other local user) can enter it. Room runtime dirs live elsewhere (room.desktop.runtime-base).
   */
  static void restrictToOwner(Path dataDir) throws java.io.IOException {
    Files.createDirectories(dataDir);
    try {
      Files.setPosixFilePermissions(dataDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    } catch (java.io.IOException | UnsupportedOperationException e) {
      LOG.warn("could not make the data dir {} private (0700): {}", dataDir.toAbsolutePath(), e.toString());
    }
  }

  public void start() throws Exception {
    String secret = Secrets.require(config, "secret", LOG::warn);
    String adminToken = Secrets.require(config, "room.admin-token", LOG::warn);
    ScrapeToken metricsToken = ScrapeToken.from(config, LOG::warn);
    TokenSigner signer = new TokenSigner(secret);

    Path dataDir = Path.of(config.get("room.data-dir", "./data"));
    restrictToOwner(dataDir);
    String dbUrl = config.get("room.db.url", "");
    if (dbUrl.isEmpty()) {
      dbUrl = Database.h2FileUrl(dataDir);
    }
    database = Database.open(dbUrl, config.get("room.db.user", ""), config.get("room.db.password", ""));

    RoomSettings settings = new RoomSettings(
        config.get("room.public-url", "http://localhost:8080"),
        config.get("room.media.public-url", "http://localhost:8081"),
        config.get("room.media.rtmp-url", "rtmp://localhost:1935/live"),
        config.getLong("room.session-ttl-seconds", 12 * 3600) * 1000,
        config.getLong("room.media.token-ttl-seconds", 6 * 3600),
        config.getLong("room.control.idle-pass-ms", 30_000),
        config.getInt("room.passcode.generated-chars", 8),
        // The media server's relay ids, from the same configuration: no room may take one.
        config.group("media.streams.", ".key").keySet());
    RoomStore store = new RoomStore(database.dataSource());
    Placements placements = new Placements(MediaHosts.fromConfig(config));
    int cores = Runtime.getRuntime().availableProcessors();
    int verifyPermits = config.getInt("room.join.max-concurrent-verifications", 0);
    verifyPermits = verifyPermits > 0 ? verifyPermits : Math.max(2, 2 * cores); // 0 or empty: 2 per core
    metrics = new RoomMetrics().withJvmMeters();
    rooms = RoomServices.create(store, signer, new SessionTokens(),
        new PasscodeHasher(config.getInt("room.passcode.bcrypt-cost", 12)),
        new VncTokens(clock, config.getLong("room.vnc.token-ttl-ms", 10_000)),
        new JoinThrottle(clock, config.getInt("room.join.max-failures-per-client", 5),
            config.getInt("room.join.max-failures-per-room", 20), config.getLong("room.join.failure-window-ms", 60_000),
            config.getInt("room.join.backoff-grace-failures", JoinThrottle.DEFAULT_GRACE_FAILURES),
            config.getLong("room.join.room-backoff-interval-ms", JoinThrottle.DEFAULT_ROOM_BACKOFF_INTERVAL_MS),
            config.getInt("room.join.max-tracked-addresses", JoinThrottle.DEFAULT_MAX_TRACKED_KEYS)),
        desktops, clock, settings,
        new RoomLimits(config.getInt("room.max-rooms", RoomLimits.DEFAULTS.maxRooms()),
            config.getInt("room.members.max-per-room", RoomLimits.DEFAULTS.maxMembersPerRoom())),
        new VerificationSlots(verifyPermits, waitingPermits(config.getInt("room.join.max-waiting-verifications", 0), verifyPermits),
            config.getLong("room.join.verification-wait-ms", 1000)), placements, metrics);
    rooms.dashboard().start();
    metrics.bindRooms(rooms.registry()::count, rooms.members()::activeMemberCount);
    metrics.bindDesktopRestarts(desktops::restartsTotal);
    // Before any event: a member leaving or a room deleted from now on is revoked at every media server (a member
    // token opens the room's stream on any of them, and the room may move).
    for (MediaHost host : placements.hosts()) {
      MediaRevocations hostRevocations = new MediaRevocations(revocationClients.apply(host), rooms.members()::recentRevocations,
          clock, settings.mediaTokenTtlSeconds(), config.getLong("room.media.poll-interval-ms", 1000),
          config.getLong("room.media.revocation-retry-ms", 1000), config.getInt("room.media.revocation-attempts", 5),
          schedulers.apply(placements.movable() ? "media-revocations-" + host.id() : "media-revocations"));
      revocations.add(hostRevocations);
      rooms.registry().addListener(hostRevocations);
      hostRevocations.start();
    }
    // Ended sessions are kept at least one media token lifetime: recentRevocations() reads them.
    long retainEndedMs = Math.max(config.getLong("room.members.retain-ended-seconds", 24 * 3600),
        settings.mediaTokenTtlSeconds()) * 1000;
    memberPurge = new MemberPurge(store, clock, retainEndedMs, config.getLong("room.members.purge-interval-ms", 600_000));
    memberPurge.start(schedulers.apply("member-purge"));
    bootstrapRoom();

    Duration vncIdle = Duration.ofMillis(config.getLong("room.vnc.idle-timeout-ms", 300_000));
    bridges = new VncBridges(Duration.ofMillis(config.getLong("room.vnc.connect-timeout-ms", 3000)), vncIdle,
        config.getInt("room.vnc.max-sockets-per-room", VncBridges.DEFAULT_MAX_PER_ROOM), schedulers.apply("vnc-bridges"));
    sockets = new RoomSockets(rooms, bridges, vncIdle,
        Duration.ofMillis(config.getLong("room.events.ping-interval-ms", 20_000)),
        config.getInt("room.events.max-sockets-per-member", 5), config.getInt("room.events.max-sockets-per-room", 300),
        schedulers.apply("room-events-ping"));
    metrics.bindVnc(bridges::openCount, bridges::openedTotal);

    server = new Server();
    ServerConnector connector = HttpConnector.add(server, config.get("room.http.host", "0.0.0.0"),
        config.getInt("room.http.port", 8080), HttpLimits.from(config, "room.http."));

    ContextHandler context = new ContextHandler("/");
    WebSocketUpgradeHandler webSockets = WebSocketUpgradeHandler.from(server, context, sockets::configure);
    webSockets.setHandler(new Handler.Sequence(new ApiHandler(rooms, adminToken), playerFiles(), new NotFound()));
    context.setHandler(webSockets);
    server.setHandler(new MetricsGate(metricsToken, metrics::scrape, new MetricsGate.Refusals() {
      @Override
      public void notFound(Request request, Response response, Callback callback) {
        ErrorRenderer.render(request, response, callback, new RoomException(RoomStatus.NOT_FOUND,
            "nothing at " + Request.getPathInContext(request)));
      }

      @Override
      public void unauthorized(Request request, Response response, Callback callback) {
        ErrorRenderer.render(request, response, callback, new RoomException(RoomStatus.UNAUTHORIZED,
            "metrics token required"));
      }
    }, context));
    server.setStopTimeout(2000);
    server.start();

    poller = new StreamPoller(rooms.parts(), rooms.control(), streamStatus, config.getLong("room.media.poll-interval-ms", 1000),
        config.getLong("room.vnc.probe-interval-ms", 5000), config.getInt("room.media.down-after-failures", 3),
        schedulers.apply("room-poller"));
    poller.start();
    LOG.info("room controller listening on {}:{} (GET /metrics: {})", connector.getHost(), connector.getLocalPort(),
        metricsToken.enabled() ? "with the metrics token" : "off, metrics.token is empty");
  }

  private static int waitingPermits(int configured, int running) {
    return configured > 0 ? configured : running; // 0: as many may wait as run
  }

  /** The bound HTTP port (useful when configured as 0). */
  public int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  public RoomMetrics metrics() {
    return metrics;
  }

  public RoomServices rooms() {
    return rooms;
  }

  public StreamPoller poller() {
    return poller;
  }

  public VncBridges bridges() {
    return bridges;
  }

  public RoomSockets sockets() {
    return sockets;
  }

  public MemberPurge memberPurge() {
    return memberPurge;
  }

  public void stop() {
    long startNanos = System.nanoTime();
    try {
      if (poller != null) {
        poller.close();
      }
      revocations.forEach(MediaRevocations::close);
      if (memberPurge != null) {
        memberPurge.close();
      }
      if (bridges != null) {
        bridges.close();
      }
      if (server != null) {
        server.stop();
      }
      if (sockets != null) {
        sockets.close();
      }
      if (rooms != null) {
        rooms.dashboard().stop();
      }
      if (desktops instanceof AutoCloseable closeable) {
        closeable.close(); // waits until every room's desktop processes are gone
      }
    } catch (Exception e) {
      LOG.warn("error while stopping", e);
    } finally {
      if (database != null) {
        database.close();
        database = null;
      }
      if (metrics != null) {
        metrics.close();
      }
      LOG.info("stopped in {} ms", (System.nanoTime() - startNanos) / 1_000_000);
    }
  }

  /**
   * {@code room.bootstrap.id}: creates that room at start unless it exists (or existed: ids stay taken), with
   * {@code room.bootstrap.name} and {@code room.bootstrap.passcode}. Gives the one-command local mode and
   * docker-compose a room with a live desktop without API calls. A generated passcode never goes to the log (logs are
   * collected and kept): it is written to the terminal when there is one, else into {@code
   * {data-dir}/bootstrap-passcode} (mode 0600) whose path is logged.
   */
  private void bootstrapRoom() {
    String id = config.get("room.bootstrap.id", "");
    if (id.isEmpty()) {
      return;
    }
    if (rooms.registry().roomIds().contains(id)) {
      LOG.info("bootstrap room {} exists already", id);
      return;
    }
    String passcode = config.get("room.bootstrap.passcode", "");
    try {
      String name = config.get("room.bootstrap.name", "");
      var created = rooms.dashboard().createRoom(id, name.isEmpty() ? id : name, passcode.isEmpty() ? null : passcode, "owner");
      if (passcode.isEmpty()) {
        showGeneratedPasscode(id, created.passcode());
      } else {
        LOG.info("bootstrap room {} created with the configured passcode", id);
      }
    } catch (RoomException e) {
      LOG.warn("bootstrap room {} not created: {}", id, e.getMessage());
    }
  }

  private void showGeneratedPasscode(String roomId, String passcode) {
    java.io.Console console = System.console();
    if (console != null) {
      LOG.info("bootstrap room {} created with a generated passcode (shown on the terminal)", roomId);
      console.printf("%n  Room %s passcode: %s%n%n", roomId, passcode);
      console.flush();
      return;
    }
    Path file = Path.of(config.get("room.data-dir", "./data")).resolve("bootstrap-passcode");
    try {
      Files.deleteIfExists(file);
      Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, passcode + "\n");
      LOG.info("bootstrap room {} created with a generated passcode, written to {} (no terminal to show it on)",
          roomId, file.toAbsolutePath());
    } catch (IOException e) {
      LOG.error("bootstrap room {}: could not write its generated passcode to {}: {}; set room.bootstrap.passcode",
          roomId, file, e.toString());
    }
  }

  /** Static files from the classpath folder {@code /player/} (the player module's jar), if there. */
  private Handler playerFiles() {
    URL url = RoomController.class.getResource("/player/");
    if (url == null) {
      LOG.info("no /player/ folder on the classpath: no static files served");
      return new Handler.Abstract.NonBlocking() {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
          return false;
        }
      };
    }
    Resource base = ResourceFactory.of(server).newResource(url);
    ResourceHandler files = playerFiles(base, CACHE_REVALIDATE);
    ResourceHandler chunks = playerFiles(base, CACHE_IMMUTABLE);
    Handler.Wrapper byPath = new Handler.Wrapper(files) {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return Request.getPathInContext(request).startsWith(HASHED_CHUNKS_PATH)
            ? chunks.handle(request, response, callback)
            : super.handle(request, response, callback);
      }
    };
    chunks.setServer(server);
    byPath.addBean(chunks, true); // started and stopped with the wrapper
    return byPath;
  }

  /**
   * The player's bundles under {@code /js/chunks/} carry a hash of their content in their name (build.mjs), so a
   * browser may keep them for good; a reload then fetches none of them (docs/player.md "Join"). Everything else
   * (the pages, the entry scripts under fixed names) is revalidated on every use (ETag, 304 when unchanged).
   */
  static final String HASHED_CHUNKS_PATH = "/js/chunks/";
  static final String CACHE_IMMUTABLE = "public, max-age=31536000, immutable";
  static final String CACHE_REVALIDATE = "no-cache";

  private static ResourceHandler playerFiles(Resource base, String cacheControl) {
    ResourceHandler files = new ResourceHandler();
    files.setBaseResource(base);
    files.setDirAllowed(false);
    files.setWelcomeFiles("index.html");
    files.setEtags(true);
    files.setCacheControl(cacheControl);
    return files;
  }

  /** Anything else: a JSON 404 in the API's error shape. */
  private static final class NotFound extends Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      ErrorRenderer.render(request, response, callback,
          new RoomException(RoomStatus.NOT_FOUND, "nothing at " + Request.getPathInContext(request)));
      return true;
    }
  }

}
