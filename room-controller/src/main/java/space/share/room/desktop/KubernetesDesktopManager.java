package space.share.room.desktop;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.rooms.DesktopManager;
import space.share.room.rooms.DesktopState;
import space.share.room.rooms.Room;
import space.share.room.vnc.RfbHandshake;
import space.share.room.vnc.VncEndpoint;
import space.share.settings.Settings;

/**
 * Runs one pod per room from the room-desktop image ({@code room.desktop.mode=kubernetes}; docs/kubernetes.md).
 *
 * <p>Per room, in the manager's namespace, both named {@code room-desktop-{room label}} ({@link #roomLabel}): a
 * Secret holding the room's stream key and a random VNC password, and a pod owned by that Secret (deleting the
 * Secret takes the pod with it) whose container reads both from it ({@code secretKeyRef}: neither is in the pod
 * spec), runs desktop/room.sh with x11vnc listening on the pod's IP, port {@value #VNC_PORT} (the readiness probe
 * connects to it), publishes to {@link #publishUrl}, restarts with the pod ({@code restartPolicy: Always}, the
 * kubelet's back-off) and carries no service account token. Both carry the labels {@code app.kubernetes.io/name},
 * {@code app.kubernetes.io/managed-by} and {@code share.space/room}, and the room id in an annotation.
 *
 * <p>State: a watch (a fabric8 informer over this manager's pods) keeps the pods in memory; {@link #state} and
 * {@link #vncEndpoint} read them ({@link PodStates}). The map of rooms holds at most {@code room.max-rooms}. A
 * restarted controller adopts the pod it finds for each room ({@link #start} creates only what is missing, and reads
 * the VNC password back from the Secret); a pod whose spec differs from what this controller would create (another
 * image, other settings: the {@value #SPEC_ANNOTATION} annotation), whose Secret holds another stream key, or that
 * ended (evicted) is replaced. {@link #release} at shutdown leaves the pods running; {@link #stop} deletes the
 * room's pod and Secret; {@link #retainOnly} deletes those of rooms deleted while no controller ran. One
 * controller per namespace: the labels do not say which controller a pod belongs to.
 *
 * <p>Threading: thread-safe. Every API write runs on one action thread; a failed one is retried with {@link Backoff}
 * (1 s doubling to 30 s). {@link #start} and {@link #stop} return at once. The informer's thread only reads.
 */
public final class KubernetesDesktopManager implements DesktopManager, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesDesktopManager.class);

  public static final String APP_LABEL = "app.kubernetes.io/name";
  public static final String APP = "share-space-desktop";
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "share-space-room-controller";
  public static final String ROOM_LABEL = "share.space/room";
  public static final String ROOM_ID_ANNOTATION = "share.space/room-id";
  public static final String SPEC_ANNOTATION = "share.space/pod-spec-sha256";
  public static final String STREAM_KEY = "stream-key";
  public static final String VNC_PASSWORD = "vnc-password";
  public static final int VNC_PORT = 5900;
  static final String CONTAINER = "desktop";
  private static final long SYNC_TIMEOUT_MS = 30_000;
  private static final long CLOSE_TIMEOUT_MS = 10_000;

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final String namespace;
  private final KubernetesDesktopSettings settings;
  private final DesktopSettings desktop;
  /** The rooms this controller runs, at most {@code settings.maxRooms()}. */
  private final Map<String, RoomDesktop> rooms = new ConcurrentHashMap<>();
  private final ScheduledExecutorService actions;
  private final SharedIndexInformer<Pod> pods;

  /**
   * A manager over {@code client} in {@code namespace} (null: {@code settings.namespace()}, else the client's, else
   * {@code default}); returns once the informer has listed the existing pods (at most 30 s, else it fails).
   *
   * @param ownsClient close the client with the manager
   */
  public KubernetesDesktopManager(KubernetesClient client, boolean ownsClient, KubernetesDesktopSettings settings,
      DesktopSettings desktop) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.settings = settings;
    this.desktop = desktop;
    this.namespace = !settings.namespace().isBlank() ? settings.namespace()
        : client.getNamespace() != null ? client.getNamespace() : "default";
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "k8s-desktops");
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // pending retries end with the manager
    this.actions = executor;
    this.pods = client.pods().inNamespace(namespace).withLabel(MANAGED_BY_LABEL, MANAGED_BY).withLabel(APP_LABEL, APP)
        .runnableInformer(0);
    pods.addEventHandler(new PodEvents());
    try {
      pods.start().toCompletableFuture().get(SYNC_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      close();
      throw new IllegalStateException("room.desktop.mode=kubernetes: cannot list pods in namespace " + namespace
          + " (API server " + client.getMasterUrl() + "): " + (e.getCause() == null ? e : e.getCause()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while listing pods", e);
    }
    LOG.info("room desktops run as pods in namespace {} (image {}, requests {} CPU / {}, limits {} CPU / {}); {} found",
        namespace, settings.image(), settings.cpuRequest(), settings.memoryRequest(), settings.cpuLimit(),
        settings.memoryLimit(), pods.getStore().list().size());
  }

  /** Production: a client configured from the pod's service account (in a cluster) or the kubeconfig. */
  public static KubernetesDesktopManager fromConfig(Settings config) {
    KubernetesDesktopSettings settings = KubernetesDesktopSettings.fromConfig(config);
    DesktopSettings desktop = DesktopSettings.fromConfig(config);
    return new KubernetesDesktopManager(new KubernetesClientBuilder().build(), true, settings, desktop);
  }

  public String namespace() {
    return namespace;
  }

  /**
   * Where a room's desktop publishes: {@code room.desktop.rtmp-url} and the room's stream key, which the container
   * expands from its Secret ({@code $(DESKTOP_STREAM_KEY)}: the key is in no pod spec). The one place that says so.
   */
  String publishUrl(String roomId) {
    return desktop.rtmpBaseUrl().replaceAll("/+$", "") + "/$(DESKTOP_STREAM_KEY)";
  }

  @Override
  public void start(Room room, String streamKey) {
    RoomDesktop added;
    synchronized (rooms) {
      if (rooms.containsKey(room.id())) {
        return;
      }
      if (rooms.size() >= settings.maxRooms()) {
        LOG.error("room {}: no desktop pod, this controller runs {} already (room.max-rooms)", room.id(), rooms.size());
        return;
      }
      added = new RoomDesktop(room.id(), streamKey);
      rooms.put(room.id(), added);
    }
    schedule(added, 0);
  }

  @Override
  public void stop(Room room) {
    RoomDesktop gone = rooms.remove(room.id());
    String name = podName(room.id());
    actions.execute(() -> {
      try {
        delete(name);
        LOG.info("room {} desktop pod {} and its secret deleted", room.id(), name);
      } catch (KubernetesClientException e) {
        // The Secret owns the pod: whichever is left, the next controller's retainOnly() deletes it.
        LOG.error("room {}: could not delete desktop pod/secret {}: {}", room.id(), name, e.toString());
      }
    });
    if (gone == null) {
      LOG.debug("room {} had no desktop pod here", room.id());
    }
  }

  /** At shutdown: the pod keeps running (members keep their picture); the next controller adopts it. */
  @Override
  public void release(Room room) {
    rooms.remove(room.id());
  }

  @Override
  public void retainOnly(Set<String> roomIds) {
    actions.execute(() -> {
      try {
        List<String> names = new ArrayList<>();
        for (var resource : managedSecretsAndPods()) {
          String roomId = resource.getMetadata().getAnnotations() == null ? null
              : resource.getMetadata().getAnnotations().get(ROOM_ID_ANNOTATION);
          if (roomId == null || (!roomIds.contains(roomId) && !rooms.containsKey(roomId))) {
            names.add(resource.getMetadata().getName());
          }
        }
        for (String name : Set.copyOf(names)) {
          delete(name);
          LOG.info("desktop pod/secret {} of no live room deleted", name);
        }
      } catch (KubernetesClientException e) {
        LOG.warn("could not look for desktop pods of deleted rooms: {}", e.toString());
      }
    });
  }

  private List<HasMetadata> managedSecretsAndPods() {
    List<HasMetadata> found = new ArrayList<>();
    found.addAll(client.secrets().inNamespace(namespace).withLabel(MANAGED_BY_LABEL, MANAGED_BY)
        .withLabel(APP_LABEL, APP).list().getItems());
    found.addAll(client.pods().inNamespace(namespace).withLabel(MANAGED_BY_LABEL, MANAGED_BY)
        .withLabel(APP_LABEL, APP).list().getItems());
    return found;
  }

  @Override
  public DesktopState state(String roomId) {
    return rooms.containsKey(roomId) ? PodStates.stateOf(cachedPod(roomId)) : DesktopState.STOPPED;
  }

  @Override
  public Optional<InetSocketAddress> vncAddress(String roomId) {
    return vncEndpoint(roomId).map(VncEndpoint::address);
  }

  /** The ready pod's IP and VNC port, with the password from its Secret; empty until the pod is Ready. */
  @Override
  public Optional<VncEndpoint> vncEndpoint(String roomId) {
    RoomDesktop room = rooms.get(roomId);
    Pod pod = room == null ? null : cachedPod(roomId);
    String password = room == null ? null : room.vncPassword;
    if (password == null || !PodStates.ready(pod)) {
      return Optional.empty();
    }
    return Optional.of(new VncEndpoint(new InetSocketAddress(pod.getStatus().getPodIP(), VNC_PORT), password));
  }

  /** Returns once every action queued so far (not retries scheduled for later) has run: tests wait on this. */
  void awaitActions(long timeoutMs) throws Exception {
    actions.submit(() -> {}).get(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Stops watching; the pods stay (see {@link #release}). Waits for queued deletions (at most 10 s). */
  @Override
  public void close() {
    if (pods != null) {
      pods.stop();
    }
    actions.shutdown();
    try {
      if (!actions.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        LOG.warn("desktop pod actions still running after {} ms", CLOSE_TIMEOUT_MS);
        actions.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownsClient) {
      client.close();
    }
  }

  /**
   * A label value (and name part) for a room id: the id itself when Kubernetes takes it (at most 63 characters,
   * alphanumeric at both ends), else {@code h-} and 20 hex digits of its SHA-256. Room ids are {@code [a-z0-9-]{1,64}}.
   */
  public static String roomLabel(String roomId) {
    if (roomId.length() <= 63 && roomId.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?")) {
      return roomId;
    }
    return "h-" + HexFormat.of().formatHex(sha256(roomId), 0, 10);
  }

  public static String podName(String roomId) {
    return "room-desktop-" + roomLabel(roomId);
  }

  private Pod cachedPod(String roomId) {
    return pods.getStore().getByKey(namespace + "/" + podName(roomId));
  }

  // ---- actions (one thread) -------------------------------------------------------------------------------

  private void schedule(RoomDesktop room, long delayMs) {
    if (room.queued.compareAndSet(false, true)) {
      try {
        actions.schedule(() -> reconcile(room), delayMs, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        room.queued.set(false); // closing
      }
    }
  }

  /**
   * Makes the room's Secret and pod what they should be: creates what is missing, adopts what fits, deletes what
   * does not (the informer's delete event brings the room back here to create it anew).
   */
  private void reconcile(RoomDesktop room) {
    room.queued.set(false);
    if (rooms.get(room.roomId) != room) {
      return; // stopped or released meanwhile
    }
    String name = podName(room.roomId);
    try {
      Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
      Pod pod = client.pods().inNamespace(namespace).withName(name).get();
      String password = secret == null ? null : secretValue(secret, VNC_PASSWORD);
      if (secret == null || password == null || !room.streamKey.equals(secretValue(secret, STREAM_KEY))) {
        if (pod != null) {
          // It runs with another stream key (the shared secret changed) or no password of ours: replace both.
          LOG.info("room {}: desktop secret {} is stale, replacing it and its pod", room.roomId, name);
          client.pods().inNamespace(namespace).withName(name).delete();
        }
        password = RfbHandshake.randomPassword();
        Secret wanted = secret(room, password);
        secret = secret == null ? client.resource(wanted).inNamespace(namespace).create()
            : client.secrets().inNamespace(namespace).withName(name)
                .edit(old -> new SecretBuilder(old).withData(wanted.getData()).build());
        room.vncPassword = password;
        if (pod != null) {
          return; // the pod's delete event brings us back to create it
        }
      }
      room.vncPassword = password;
      String specSha = specSha256(podSpec(room.roomId));
      if (pod != null && pod.getMetadata().getDeletionTimestamp() != null) {
        return; // going away; its delete event brings us back
      }
      if (pod != null && (PodStates.ended(pod) || !specSha.equals(annotation(pod, SPEC_ANNOTATION)))) {
        LOG.info("room {}: desktop pod {} {}, replacing it", room.roomId, name,
            PodStates.ended(pod) ? "ended (" + pod.getStatus().getReason() + ")" : "has another spec (image or settings)");
        client.pods().inNamespace(namespace).withName(name).delete();
        return;
      }
      if (pod == null) {
        client.resource(pod(room, secret, specSha)).inNamespace(namespace).create();
        LOG.info("room {}: desktop pod {} created ({})", room.roomId, name, settings.image());
      } else if (!room.adoptionLogged) {
        LOG.info("room {}: desktop pod {} adopted ({})", room.roomId, name, PodStates.stateOf(pod).wireName());
      }
      room.adoptionLogged = true;
      room.retry = null;
    } catch (KubernetesClientException e) {
      if (room.retry == null) {
        room.retry = new Backoff(1000, 30_000, Long.MAX_VALUE);
      }
      long delayMs = room.retry.delayAfterExitMs(0);
      LOG.warn("room {}: desktop pod {}: {} (trying again in {} ms)", room.roomId, name, e.getMessage(), delayMs);
      schedule(room, delayMs);
    }
  }

  private void delete(String name) {
    client.pods().inNamespace(namespace).withName(name).delete();
    client.secrets().inNamespace(namespace).withName(name).delete();
  }

  // ---- what is created ------------------------------------------------------------------------------------

  private Map<String, String> labels(String roomId) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(APP_LABEL, APP);
    labels.put(MANAGED_BY_LABEL, MANAGED_BY);
    labels.put(ROOM_LABEL, roomLabel(roomId));
    return labels;
  }

  private Secret secret(RoomDesktop room, String password) {
    Base64.Encoder base64 = Base64.getEncoder();
    return new SecretBuilder()
        .withNewMetadata().withName(podName(room.roomId)).withNamespace(namespace).withLabels(labels(room.roomId))
        .withAnnotations(Map.of(ROOM_ID_ANNOTATION, room.roomId)).endMetadata()
        .withType("Opaque")
        .withData(Map.of(
            STREAM_KEY, base64.encodeToString(room.streamKey.getBytes(StandardCharsets.UTF_8)),
            VNC_PASSWORD, base64.encodeToString(password.getBytes(StandardCharsets.UTF_8))))
        .build();
  }

  private Pod pod(RoomDesktop room, Secret secret, String specSha) {
    return new PodBuilder()
        .withNewMetadata().withName(podName(room.roomId)).withNamespace(namespace).withLabels(labels(room.roomId))
        .withAnnotations(Map.of(ROOM_ID_ANNOTATION, room.roomId, SPEC_ANNOTATION, specSha))
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Secret")
            .withName(secret.getMetadata().getName()).withUid(secret.getMetadata().getUid()).build())
        .endMetadata()
        .withSpec(podSpec(room.roomId))
        .build();
  }

  /** The pod spec of a room: a function of the room id and the settings alone (its hash tells a stale pod). */
  PodSpec podSpec(String roomId) {
    String secretName = podName(roomId);
    List<EnvVar> env = new ArrayList<>();
    // Defined before DESKTOP_RTMP_URL, which expands it.
    env.add(secretEnv("DESKTOP_STREAM_KEY", secretName, STREAM_KEY));
    // lib.sh writes it to the runtime dir (0600) and unsets it before any component starts.
    env.add(secretEnv("DESKTOP_VNC_PASSWORD", secretName, VNC_PASSWORD));
    env.add(new EnvVar("DESKTOP_RTMP_URL", publishUrl(roomId), null));
    // The controller's VNC proxy reaches x11vnc on the pod's IP; the NetworkPolicy lets only the controller in.
    env.add(new EnvVar("DESKTOP_VNC_LISTEN", "0.0.0.0", null));
    env.add(new EnvVar("DESKTOP_VNC_PORT", Integer.toString(VNC_PORT), null));
    desktop.sharedEnvironment().forEach((key, value) -> env.add(new EnvVar(key, value, null)));
    return new PodSpecBuilder()
        .withRestartPolicy("Always")
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withTerminationGracePeriodSeconds(30L)
        .withNewSecurityContext()
          .withRunAsNonRoot(true).withRunAsUser(10001L)
          .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
          .withName(CONTAINER)
          .withImage(settings.image())
          .withImagePullPolicy(settings.imagePullPolicy())
          .withEnv(env)
          .addNewPort().withName("vnc").withContainerPort(VNC_PORT).withProtocol("TCP").endPort()
          .withNewReadinessProbe()
            .withNewTcpSocket().withPort(new IntOrString("vnc")).endTcpSocket()
            .withInitialDelaySeconds(2).withPeriodSeconds(5).withTimeoutSeconds(2).withFailureThreshold(2)
          .endReadinessProbe()
          .withNewResources()
            .addToRequests("cpu", new Quantity(settings.cpuRequest()))
            .addToRequests("memory", new Quantity(settings.memoryRequest()))
            .addToLimits("cpu", new Quantity(settings.cpuLimit()))
            .addToLimits("memory", new Quantity(settings.memoryLimit()))
          .endResources()
          .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            .withNewCapabilities().withDrop("ALL").endCapabilities()
          .endSecurityContext()
          .addNewVolumeMount().withName("shm").withMountPath("/dev/shm").endVolumeMount()
        .endContainer()
        .addNewVolume().withName("shm")
          .withNewEmptyDir().withMedium("Memory").withSizeLimit(new Quantity(settings.shmSize())).endEmptyDir()
        .endVolume()
        .build();
  }

  private static EnvVar secretEnv(String name, String secretName, String key) {
    return new EnvVarBuilder().withName(name)
        .withNewValueFrom().withNewSecretKeyRef().withName(secretName).withKey(key).endSecretKeyRef().endValueFrom()
        .build();
  }

  private String specSha256(PodSpec spec) {
    return HexFormat.of().formatHex(sha256(client.getKubernetesSerialization().asJson(spec)));
  }

  private static String secretValue(Secret secret, String key) {
    String value = secret.getData() == null ? null : secret.getData().get(key);
    try {
      return value == null ? null : new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String annotation(Pod pod, String key) {
    return pod.getMetadata().getAnnotations() == null ? null : pod.getMetadata().getAnnotations().get(key);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Pod events from the informer's thread: a wanted room whose pod went or ended is reconciled; states are logged. */
  private final class PodEvents implements ResourceEventHandler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      changed(pod);
    }

    @Override
    public void onUpdate(Pod old, Pod pod) {
      changed(pod);
    }

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {
      room(pod).ifPresent(room -> schedule(room, 0));
    }

    private void changed(Pod pod) {
      room(pod).ifPresent(room -> {
        DesktopState state = PodStates.stateOf(pod);
        if (state != room.lastState) {
          room.lastState = state;
          LOG.info("room {} desktop pod {}: {}{}", room.roomId, pod.getMetadata().getName(), state.wireName(),
              PodStates.failingReason(pod).map(reason -> " (" + reason + ")").orElse(""));
        }
        if (PodStates.ended(pod)) {
          schedule(room, 0);
        }
      });
    }

    private Optional<RoomDesktop> room(Pod pod) {
      String roomId = annotation(pod, ROOM_ID_ANNOTATION);
      return roomId == null ? Optional.empty() : Optional.ofNullable(rooms.get(roomId));
    }
  }

  /** One wanted room. {@code retry} and {@code adoptionLogged} belong to the action thread. */
  private static final class RoomDesktop {
    final String roomId;
    final String streamKey;
    final AtomicBoolean queued = new AtomicBoolean();
    volatile String vncPassword;
    volatile DesktopState lastState;
    Backoff retry;
    boolean adoptionLogged;

    RoomDesktop(String roomId, String streamKey) {
      this.roomId = roomId;
      this.streamKey = streamKey;
    }
  }
}
