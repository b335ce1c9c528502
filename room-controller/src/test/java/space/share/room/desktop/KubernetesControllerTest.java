package space.share.room.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.room.Await;
import space.share.room.ControllerHarness;
import space.share.room.FakeClock;
import space.share.room.FakeStreamStatus;

/**
 * The whole controller with {@code room.desktop.mode=kubernetes} over fabric8's mock API server: a room created through
 * the API gets its pod, the room's parts show the pod's state, a controller restart leaves the pod running and the
 * next controller adopts it (and removes the pod of a room it does not have), and deleting the room deletes its pod
 * and Secret.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesControllerTest {
  private static final String NS = "share-space";
  private static final Duration WAIT = Duration.ofSeconds(10);

  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir
  Path dataDir;

  private KubernetesDesktopManager manager() {
    return new KubernetesDesktopManager(client, false,
        new KubernetesDesktopSettings(NS, "share-space/desktop:1.0", "IfNotPresent", "1", "2", "1Gi", "2Gi", "512Mi", 10),
        new DesktopSettings(Path.of("desktop/room.sh"), dataDir.resolve("desktops"), "rtmp://media-server:1935/live", 1280,
            720, 30, 3000, 1000, 1, true, true, "xterm", "about:blank", 100, 20_000, 1000, 30_000, 30_000, Map.of()));
  }

  private Pod pod(String name) {
    return client.pods().inNamespace(NS).withName(name).get();
  }

  private static String desktopPart(ControllerHarness harness, String roomId) {
    try {
      return harness.call("GET", "/api/rooms/" + roomId, ControllerHarness.ADMIN, null).body().path("parts")
          .path("desktop").asText();
    } catch (java.io.IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void roomLifecycle_throughTheApi_podCreatedAdoptedAfterRestartDeletedWithTheRoom() throws Exception {
    FakeClock clock = new FakeClock(1_767_225_600_000L);
    FakeStreamStatus streams = new FakeStreamStatus();
    String uid;
    try (ControllerHarness first = new ControllerHarness(dataDir, clock, streams, manager(), Map.of())) {
      first.createRoom("keep", "open-sesame");
      Await.until(() -> pod("room-desktop-keep") != null, WAIT, "the room's pod");
      uid = pod("room-desktop-keep").getMetadata().getUid();
      Await.until(() -> desktopPart(first, "keep").equals("starting"), WAIT, "starting before the pod is ready");
      // Loopback as the pod's IP: the controller's VNC probe connects to it.
      client.pods().inNamespace(NS).withName("room-desktop-keep").editStatus(pod -> new PodBuilder(pod)
          .withNewStatus().withPhase("Running").withPodIP("127.0.0.1")
          .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
      Await.until(() -> desktopPart(first, "keep").equals("running"), WAIT, "running once the pod is ready");
    }
    assertNotNull(pod("room-desktop-keep"), "the pod outlives the controller");
    // A room deleted while no controller ran left its pod: the next controller removes it.
    Map<String, String> labels = Map.of(KubernetesDesktopManager.APP_LABEL, KubernetesDesktopManager.APP,
        KubernetesDesktopManager.MANAGED_BY_LABEL, KubernetesDesktopManager.MANAGED_BY,
        KubernetesDesktopManager.ROOM_LABEL, "stray");
    client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("room-desktop-stray")
        .withLabels(labels).withAnnotations(Map.of(KubernetesDesktopManager.ROOM_ID_ANNOTATION, "stray")).endMetadata()
        .withNewSpec().addNewContainer().withName("desktop").withImage("share-space/desktop:0.9").endContainer()
        .endSpec().build()).create();

    try (ControllerHarness second = new ControllerHarness(dataDir, clock, streams, manager(), Map.of())) {
      Await.until(() -> desktopPart(second, "keep").equals("running"), WAIT, "the adopted pod's state");
      assertEquals(uid, pod("room-desktop-keep").getMetadata().getUid(), "the same pod");
      Await.until(() -> pod("room-desktop-stray") == null, WAIT, "the pod of a room that no longer exists deleted");
      assertEquals(1, client.pods().inNamespace(NS).list().getItems().size());

      assertEquals(200, second.call("DELETE", "/api/rooms/keep", ControllerHarness.ADMIN, null).status());
      Await.until(() -> pod("room-desktop-keep") == null
          && client.secrets().inNamespace(NS).withName("room-desktop-keep").get() == null, WAIT, "pod and secret gone");
    }
  }
}
