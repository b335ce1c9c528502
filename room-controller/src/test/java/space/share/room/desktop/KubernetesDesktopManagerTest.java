package space.share.room.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.room.Await;
import space.share.room.rooms.DesktopState;
import space.share.room.rooms.Room;
import space.share.room.vnc.VncEndpoint;

/**
 * The pod-per-room manager against fabric8's mock API server in CRUD mode (an in-memory API server over HTTP, with
 * watches): what it creates, the room's state from the pod status the test sets (as a kubelet would), deletion, and
 * a second manager over the same API adopting what the first left.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesDesktopManagerTest {
  private static final String NS = "share-space";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Room ROOM = new Room("lobby", "Lobby", "owner", 0);
  private static final String KEY = "lobby.0123456789abcdef";
  private static final String POD = "room-desktop-lobby";

  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir
  Path dir;
  private final List<KubernetesDesktopManager> managers = new ArrayList<>();

  @AfterEach
  void closeManagers() {
    managers.forEach(KubernetesDesktopManager::close);
  }

  private KubernetesDesktopManager manager(String image, int maxRooms) {
    KubernetesDesktopManager manager = new KubernetesDesktopManager(client, false,
        new KubernetesDesktopSettings(NS, image, "IfNotPresent", "1", "2", "1Gi", "2Gi", "512Mi", maxRooms),
        new DesktopSettings(Path.of("desktop/room.sh"), dir.resolve("data"), "rtmp://media-server:1935/live/", 1920,
            1080, 30, 6000, 1000, 1, true, true, "chromium", "about:blank", 100, 20_000, 1000, 30_000, 30_000,
            Map.of()));
    managers.add(manager);
    return manager;
  }

  private KubernetesDesktopManager manager() {
    return manager("share-space/desktop:1.0", 100);
  }

  private Pod pod(String name) {
    return client.pods().inNamespace(NS).withName(name).get();
  }

  private Secret secret(String name) {
    return client.secrets().inNamespace(NS).withName(name).get();
  }

  private static String decoded(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  private boolean replaced(String name, String oldUid) {
    Pod pod = pod(name);
    return pod != null && !oldUid.equals(pod.getMetadata().getUid());
  }

  private Pod awaitPod(String name) {
    Await.until(() -> pod(name) != null, WAIT, "pod " + name + " created");
    return pod(name);
  }

  /** What the kubelet would report. */
  private void setStatus(String name, UnaryOperator<PodBuilder> status) {
    client.pods().inNamespace(NS).withName(name).editStatus(pod -> status.apply(new PodBuilder(pod)).build());
  }

  private static PodBuilder ready(PodBuilder pod, String ip) {
    return pod.withNewStatus().withPhase("Running").withPodIP(ip)
        .addNewCondition().withType("Ready").withStatus("True").endCondition()
        .addNewContainerStatus().withName("desktop").withReady(true).withRestartCount(0)
          .withNewState().withNewRunning().withStartedAt("2026-12-01T12:00:00Z").endRunning().endState()
        .endContainerStatus()
        .endStatus();
  }

  private static PodBuilder crashLooping(PodBuilder pod) {
    return pod.withNewStatus().withPhase("Running").withPodIP("127.0.0.7")
        .addNewCondition().withType("Ready").withStatus("False").endCondition()
        .addNewContainerStatus().withName("desktop").withReady(false).withRestartCount(4)
          .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
        .endContainerStatus()
        .endStatus();
  }

  private static Map<String, EnvVar> env(Pod pod) {
    return pod.getSpec().getContainers().get(0).getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  @Test
  void start_createsSecretWithKeyAndPassword_andPodOwnedByItReadingThem() {
    KubernetesDesktopManager desktops = manager();
    desktops.start(ROOM, KEY);

    Pod pod = awaitPod(POD);
    Secret secret = secret(POD);
    assertNotNull(secret, "the room's secret");
    assertEquals(KEY, decoded(secret, "stream-key"));
    assertEquals(8, decoded(secret, "vnc-password").length(), "a random VNC password (RFB uses 8 characters)");
    Map<String, String> labels = Map.of("app.kubernetes.io/name", "share-space-desktop",
        "app.kubernetes.io/managed-by", "share-space-room-controller", "share.space/room", "lobby");
    assertEquals(labels, pod.getMetadata().getLabels());
    assertEquals(labels, secret.getMetadata().getLabels());
    assertEquals("lobby", pod.getMetadata().getAnnotations().get("share.space/room-id"));
    assertEquals(List.of(secret.getMetadata().getUid()),
        pod.getMetadata().getOwnerReferences().stream().map(o -> o.getUid()).toList(), "the secret owns the pod");
    assertEquals("Secret", pod.getMetadata().getOwnerReferences().get(0).getKind());

    assertEquals("Always", pod.getSpec().getRestartPolicy());
    assertFalse(pod.getSpec().getAutomountServiceAccountToken(), "no API token in a room's desktop");
    Container container = pod.getSpec().getContainers().get(0);
    assertEquals("share-space/desktop:1.0", container.getImage());
    Map<String, EnvVar> env = env(pod);
    assertEquals(POD, env.get("DESKTOP_STREAM_KEY").getValueFrom().getSecretKeyRef().getName());
    assertEquals("stream-key", env.get("DESKTOP_STREAM_KEY").getValueFrom().getSecretKeyRef().getKey());
    assertEquals("vnc-password", env.get("DESKTOP_VNC_PASSWORD").getValueFrom().getSecretKeyRef().getKey());
    assertEquals("rtmp://media-server:1935/live/$(DESKTOP_STREAM_KEY)", env.get("DESKTOP_RTMP_URL").getValue());
    assertEquals("0.0.0.0", env.get("DESKTOP_VNC_LISTEN").getValue());
    assertEquals("1920", env.get("DESKTOP_WIDTH").getValue());
    assertFalse(client.getKubernetesSerialization().asJson(pod.getSpec()).contains(KEY), "no key in the pod spec");
    assertEquals(5900, container.getReadinessProbe().getTcpSocket().getPort().getStrVal().equals("vnc")
        ? container.getPorts().get(0).getContainerPort() : -1);
    assertEquals(new Quantity("1"), container.getResources().getRequests().get("cpu"));
    assertEquals(new Quantity("1Gi"), container.getResources().getRequests().get("memory"));
    assertEquals(new Quantity("2Gi"), container.getResources().getLimits().get("memory"));

    assertEquals(DesktopState.STARTING, desktops.state("lobby"));
    assertTrue(desktops.vncEndpoint("lobby").isEmpty(), "no VNC before the pod is ready");
  }

  @Test
  void podReady_stateRunning_andEndpointIsPodIpWithSecretPassword() {
    KubernetesDesktopManager desktops = manager();
    desktops.start(ROOM, KEY);
    awaitPod(POD);

    setStatus(POD, pod -> ready(pod, "127.0.0.7"));

    Await.until(() -> desktops.state("lobby") == DesktopState.RUNNING, WAIT, "running once ready");
    VncEndpoint endpoint = desktops.vncEndpoint("lobby").orElseThrow();
    assertEquals(new InetSocketAddress("127.0.0.7", 5900), endpoint.address());
    assertEquals(decoded(secret(POD), "vnc-password"), endpoint.password());
  }

  @Test
  void crashLoop_stateFailed_noEndpoint_thenRunningAgainAfterRestart() {
    KubernetesDesktopManager desktops = manager();
    desktops.start(ROOM, KEY);
    awaitPod(POD);
    setStatus(POD, pod -> ready(pod, "127.0.0.7"));
    Await.until(() -> desktops.state("lobby") == DesktopState.RUNNING, WAIT, "running");

    setStatus(POD, KubernetesDesktopManagerTest::crashLooping);

    Await.until(() -> desktops.state("lobby") == DesktopState.FAILED, WAIT, "failed while crash-looping");
    assertTrue(desktops.vncEndpoint("lobby").isEmpty());
    setStatus(POD, pod -> ready(pod, "127.0.0.7"));
    Await.until(() -> desktops.state("lobby") == DesktopState.RUNNING, WAIT, "running after the restart");
  }

  @Test
  void stop_deletesPodAndSecret() {
    KubernetesDesktopManager desktops = manager();
    desktops.start(ROOM, KEY);
    awaitPod(POD);

    desktops.stop(ROOM);

    Await.until(() -> pod(POD) == null && secret(POD) == null, WAIT, "pod and secret deleted");
    assertEquals(DesktopState.STOPPED, desktops.state("lobby"));
  }

  @Test
  void restartedController_adoptsRunningPod_createsNoOther() throws Exception {
    KubernetesDesktopManager first = manager();
    first.start(ROOM, KEY);
    String uid = awaitPod(POD).getMetadata().getUid();
    setStatus(POD, pod -> ready(pod, "127.0.0.7"));
    String password = decoded(secret(POD), "vnc-password");
    first.release(ROOM); // controller shutdown: the pod stays
    first.close();
    assertNotNull(pod(POD), "the pod outlives the controller");

    KubernetesDesktopManager second = manager();
    second.start(ROOM, KEY);
    second.retainOnly(Set.of("lobby"));
    second.awaitActions(WAIT.toMillis());

    assertEquals(DesktopState.RUNNING, second.state("lobby"));
    assertEquals(password, second.vncEndpoint("lobby").orElseThrow().password(), "password read back from the secret");
    List<Pod> pods = client.pods().inNamespace(NS).list().getItems();
    assertEquals(List.of(uid), pods.stream().map(p -> p.getMetadata().getUid()).toList(), "the same pod, no other");
    assertEquals(1, client.secrets().inNamespace(NS).list().getItems().size());
  }

  @Test
  void restartedController_withAnotherImage_replacesThePod() {
    KubernetesDesktopManager first = manager();
    first.start(ROOM, KEY);
    String uid = awaitPod(POD).getMetadata().getUid();
    first.release(ROOM);
    first.close();

    KubernetesDesktopManager second = manager("share-space/desktop:2.0", 100);
    second.start(ROOM, KEY);

    Await.until(() -> replaced(POD, uid), WAIT, "pod replaced");
    assertEquals("share-space/desktop:2.0", pod(POD).getSpec().getContainers().get(0).getImage());
  }

  @Test
  void restartedController_withAnotherStreamKey_replacesSecretAndPod() {
    KubernetesDesktopManager first = manager();
    first.start(ROOM, KEY);
    String uid = awaitPod(POD).getMetadata().getUid();
    first.release(ROOM);
    first.close();

    KubernetesDesktopManager second = manager();
    second.start(ROOM, "lobby.rotated-secret");

    Await.until(() -> replaced(POD, uid), WAIT, "pod replaced");
    assertEquals("lobby.rotated-secret", decoded(secret(POD), "stream-key"));
  }

  @Test
  void podDeletedByHand_isCreatedAgain() {
    KubernetesDesktopManager desktops = manager();
    desktops.start(ROOM, KEY);
    String uid = awaitPod(POD).getMetadata().getUid();

    client.pods().inNamespace(NS).withName(POD).delete();

    Await.until(() -> replaced(POD, uid), WAIT, "pod created again");
  }

  @Test
  void retainOnly_deletesPodsAndSecretsOfRoomsDeletedWhileNoControllerRan() throws Exception {
    KubernetesDesktopManager first = manager();
    first.start(ROOM, KEY);
    first.start(new Room("gone", "Gone", "owner", 0), "gone.key");
    awaitPod(POD);
    awaitPod("room-desktop-gone");
    first.release(ROOM);
    first.close();

    KubernetesDesktopManager second = manager();
    second.start(ROOM, KEY);
    second.retainOnly(Set.of("lobby"));

    Await.until(() -> pod("room-desktop-gone") == null && secret("room-desktop-gone") == null, WAIT, "orphan deleted");
    second.awaitActions(WAIT.toMillis());
    assertNotNull(pod(POD));
    assertNotNull(secret(POD));
  }

  @Test
  void start_pastMaxRooms_createsNoPod() throws Exception {
    KubernetesDesktopManager desktops = manager("share-space/desktop:1.0", 2);
    for (String id : List.of("a", "b", "c")) {
      desktops.start(new Room(id, id, "owner", 0), id + ".key");
    }
    awaitPod("room-desktop-a");
    awaitPod("room-desktop-b");
    desktops.awaitActions(WAIT.toMillis());

    assertTrue(pod("room-desktop-c") == null, "no pod for a third room past room.max-rooms=2");
    assertEquals(2, client.pods().inNamespace(NS).list().getItems().size());
    assertEquals(DesktopState.STOPPED, desktops.state("c"));
  }

  @Test
  void roomLabel_idsKubernetesRefuses_becomeHashes() {
    assertEquals("lobby", KubernetesDesktopManager.roomLabel("lobby"));
    assertEquals("a-b", KubernetesDesktopManager.roomLabel("a-b"));
    for (String id : List.of("-x", "x-", "a".repeat(64))) {
      String label = KubernetesDesktopManager.roomLabel(id);
      assertTrue(label.matches("h-[0-9a-f]{20}"), id + " -> " + label);
    }
    assertNotEquals(KubernetesDesktopManager.roomLabel("x-"), KubernetesDesktopManager.roomLabel("-x"));
  }
}
