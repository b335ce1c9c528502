package space.share.media.ingest.rtmp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.red5.logging.Red5LoggerFactory;
import org.red5.server.ClientRegistry;
import org.red5.server.Context;
import org.red5.server.CoreHandler;
import org.red5.server.MappingStrategy;
import org.red5.server.Server;
import org.red5.server.net.rtmp.RTMPConnManager;
import org.red5.server.net.rtmp.RTMPHandler;
import org.red5.server.net.rtmp.RTMPMinaConnection;
import org.red5.server.net.rtmp.RTMPMinaIoHandler;
import org.red5.server.net.rtmp.RTMPMinaTransport;
import org.red5.server.net.rtmp.status.StatusObjectService;
import org.red5.server.scheduling.JDKSchedulingService;
import org.red5.server.scope.GlobalScope;
import org.red5.server.scope.ScopeResolver;
import org.red5.server.scope.WebScope;
import org.red5.server.service.ContextServiceResolver;
import org.red5.server.service.HandlerServiceResolver;
import org.red5.server.service.ScopeServiceResolver;
import org.red5.server.service.ServiceInvoker;
import org.red5.server.stream.ClientBroadcastStream;
import org.red5.server.stream.ConsumerService;
import org.red5.server.stream.ProviderService;
import org.red5.server.stream.StreamService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import space.share.media.access.AccessPolicy;
import space.share.media.stream.StreamRegistry;

/**
 * Red5's RTMP server (on Apache MINA) embedded in our process: no Red5 distribution, no XML, no servlet container.
 * One flat Spring context holds the beans Red5 looks up by name; the application scope is {@code /live}, and the
 * RTMP stream name is the stream key.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} once. Thread-safe afterwards.
 */
public final class RtmpIngest implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RtmpIngest.class);
  private static final long STOP_TIMEOUT_MS = 5_000;

  private final String host;
  private final int requestedPort;
  private final AccessPolicy access;
  private final StreamRegistry streams;
  private final RtmpLimits limits;
  private final ScheduledThreadPoolExecutor deadlines;
  private GuardedIoHandler ioHandler;
  private GenericApplicationContext spring;
  private RTMPMinaTransport transport;
  private int boundPort;

  /** With {@link RtmpLimits#DEFAULTS}. */
  public RtmpIngest(String host, int port, AccessPolicy access, StreamRegistry streams) {
    this(host, port, access, streams, RtmpLimits.DEFAULTS);
  }

  /** @param port 0 picks a free port (tests) */
  public RtmpIngest(String host, int port, AccessPolicy access, StreamRegistry streams, RtmpLimits limits) {
    this.host = host;
    this.requestedPort = port;
    this.access = access;
    this.streams = streams;
    this.limits = limits;
    // One connect deadline per open session at most (cancelled tasks are removed), on one thread.
    deadlines = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "rtmp-connect-deadlines");
      thread.setDaemon(true);
      return thread;
    });
    deadlines.setRemoveOnCancelPolicy(true);
  }

  /** RTMP connections open now (admitted ones). */
  public int openConnections() {
    return ioHandler == null ? 0 : ioHandler.admission().open();
  }

  public int port() {
    return boundPort;
  }

  public void start() throws Exception {
    // Before any Red5 class loads: no red5.xml lookup, and no reaching into logback internals that logback 1.5 lacks.
    System.setProperty("red5.deployment.type", "embedded");
    Red5LoggerFactory.setUseLogback(false);
    boundPort = requestedPort != 0 ? requestedPort : freePort(host);
    // RTMPMinaTransport.start() only logs a taken port: find out ourselves, with a clear error.
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(host, boundPort));
    } catch (IOException e) {
      throw new IOException("RTMP port " + host + ":" + boundPort + " is not available: " + e.getMessage(), e);
    }

    spring = new GenericApplicationContext();
    Server server = new Server();
    spring.registerBean("red5.server", Server.class, () -> server);
    spring.registerBean("statusObjectService", StatusObjectService.class);
    spring.registerBean("schedulingService", JDKSchedulingService.class);
    spring.registerBean("providerService", ProviderService.class);
    spring.registerBean("consumerService", ConsumerService.class);
    spring.registerBean("streamService", StreamService.class);
    spring.registerBean("clientBroadcastStream", ClientBroadcastStream.class, definition -> {
      definition.setScope(BeanDefinition.SCOPE_PROTOTYPE);
      definition.setLazyInit(true);
    });
    ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    scheduler.setPoolSize(4);
    scheduler.setDaemon(true);
    scheduler.setThreadNamePrefix("rtmp-scheduler-");
    spring.registerBean("rtmpScheduler", ThreadPoolTaskScheduler.class, () -> scheduler);
    ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
    executor.setCorePoolSize(4);
    executor.setMaxPoolSize(32);
    executor.setQueueCapacity(64);
    executor.setDaemon(true);
    executor.setThreadNamePrefix("rtmp-executor-");
    spring.registerBean("messageExecutor", ThreadPoolTaskExecutor.class, () -> executor);
    spring.registerBean("rtmpConnManager", RTMPConnManager.class);
    spring.registerBean("rtmpHandler", RTMPHandler.class, () -> {
      RTMPHandler handler = new RTMPHandler();
      handler.setServer(server);
      handler.setStatusObjectService(spring.getBean(StatusObjectService.class));
      // ffmpeg's complex handshake fails Red5's C2 check; it is only accepted as an unvalidated connection.
      handler.setUnvalidatedConnectionAllowed(true);
      return handler;
    });
    ioHandler = new GuardedIoHandler(limits, deadlines, streams.metrics());
    spring.registerBean("rtmpMinaIoHandler", RTMPMinaIoHandler.class, () -> {
      ioHandler.setHandler(spring.getBean(RTMPHandler.class));
      return ioHandler;
    });
    spring.registerBean("rtmpMinaConnection", RTMPMinaConnection.class, () -> {
      // Red5's close races itself when a publisher hangs up; SerialCloseConnection says how, and why it ends streams.
      RTMPMinaConnection connection = new SerialCloseConnection();
      connection.setScheduler(scheduler);
      connection.setExecutor(executor);
      connection.setPingInterval(5_000);
      connection.setMaxInactivity((int) Math.min(Integer.MAX_VALUE, limits.maxInactivityMs()));
      connection.setMaxHandshakeTimeout((int) Math.min(Integer.MAX_VALUE, limits.connectTimeoutMs()));
      // No deadlock guard scheduler: it drops packets that waited more than 500 ms.
      return connection;
    }, definition -> definition.setScope(BeanDefinition.SCOPE_PROTOTYPE));

    ClientRegistry clientRegistry = new ClientRegistry();
    ServiceInvoker serviceInvoker = new ServiceInvoker();
    serviceInvoker.setServiceResolvers(
        Set.of(new ScopeServiceResolver(), new HandlerServiceResolver(), new ContextServiceResolver()));
    MappingStrategy mappingStrategy = new MappingStrategy();
    ScopeResolver scopeResolver = new ScopeResolver();
    spring.registerBean("global.clientRegistry", ClientRegistry.class, () -> clientRegistry);
    spring.registerBean("global.serviceInvoker", ServiceInvoker.class, () -> serviceInvoker);
    spring.registerBean("global.mappingStrategy", MappingStrategy.class, () -> mappingStrategy);
    spring.registerBean("red5.scopeResolver", ScopeResolver.class, () -> scopeResolver);
    Context globalContext = newContext(clientRegistry, serviceInvoker, mappingStrategy, scopeResolver);
    Context webContext = newContext(clientRegistry, serviceInvoker, mappingStrategy, scopeResolver);
    spring.registerBean("global.context", Context.class, () -> globalContext);
    spring.registerBean("web.context", Context.class, () -> webContext);
    spring.registerBean("global.handler", CoreHandler.class);
    LiveApplication application = new LiveApplication(access, streams);
    spring.registerBean("web.handler", LiveApplication.class, () -> application);
    spring.refresh();
    globalContext.setCoreBeanFactory(spring.getBeanFactory());
    webContext.setCoreBeanFactory(spring.getBeanFactory());

    GlobalScope global = new GlobalScope();
    global.setServer(server);
    global.setContext(globalContext);
    global.setHandler(spring.getBean(CoreHandler.class));
    global.setPersistenceClass("org.red5.server.persistence.RamPersistence");
    global.register();
    scopeResolver.setGlobalScope(global);

    WebScope live = new WebScope();
    live.setServer(server);
    live.setGlobalScope(global);
    live.setContext(webContext);
    live.setHandler(application);
    live.setContextPath("/live");
    live.setVirtualHosts("*");
    live.register();

    transport = new RTMPMinaTransport();
    transport.setIoHandler(spring.getBean(RTMPMinaIoHandler.class));
    transport.setAddresses(List.of(host + ":" + boundPort));
    transport.setIoThreads(2);
    transport.setTcpNoDelay(true);
    transport.start();
    log.info("RTMP ingest listening on rtmp://{}:{}/live/<stream key>", host, boundPort);
  }

  private static Context newContext(ClientRegistry clientRegistry, ServiceInvoker serviceInvoker,
      MappingStrategy mappingStrategy, ScopeResolver scopeResolver) {
    Context context = new Context();
    context.setClientRegistry(clientRegistry);
    context.setServiceInvoker(serviceInvoker);
    context.setMappingStrategy(mappingStrategy);
    context.setScopeResolver(scopeResolver);
    return context;
  }

  private static int freePort(String host) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }

  /** Stops accepting and closes publishers; bounded, since Red5's stop can hang on a stuck session. */
  @Override
  public void close() {
    ExecutorService stopper = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "rtmp-stop");
      thread.setDaemon(true);
      return thread;
    });
    try {
      Future<?> stopped = stopper.submit(() -> {
        if (transport != null) {
          transport.stop();
        }
        if (spring != null) {
          spring.close();
        }
      });
      stopped.get(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("RTMP ingest did not stop within {} ms; leaving its threads to the JVM", STOP_TIMEOUT_MS);
    } catch (Exception e) {
      log.warn("RTMP ingest stop failed: {}", e.toString());
    } finally {
      stopper.shutdownNow();
      deadlines.shutdownNow();
    }
  }
}
