package space.share.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import space.share.room.desktop.KubernetesDesktopManager;
import space.share.settings.Settings;
import space.share.settings.ShippedConfig;

/**
 * deploy/kubernetes/ held against the code and config/share-space.properties (the schema check is .ci/run's
 * validate.mjs): every SHARE_SPACE_* name the manifests and docker-compose.yml set is a documented key, no manifest
 * has a field the API does not know (fabric8 keeps those aside: a typo such as {@code readinesProbe} would be
 * silently dropped by a cluster), and the labels, ports and RBAC verbs agree with what KubernetesDesktopManager uses.
 */
class KubernetesManifestsTest {
  private static final Path DIR = Path.of("../deploy/kubernetes");
  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final String CONTROLLER = "share-space-room-controller";
  private static final String MEDIA = "share-space-media-server";

  private static List<HasMetadata> objects() throws Exception {
    List<HasMetadata> objects = new ArrayList<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml")).sorted().toList()) {
        for (String document : Files.readString(file).split("(?m)^---$")) {
          if (document.lines().anyMatch(line -> line.startsWith("kind:"))) {
            objects.add(YAML.unmarshal(document, HasMetadata.class));
          }
        }
      }
    }
    return objects;
  }

  private static <T extends HasMetadata> T object(Class<T> type, String name) throws Exception {
    return objects().stream().filter(type::isInstance).map(type::cast)
        .filter(o -> o.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in " + DIR));
  }

  /** property key for each SHARE_SPACE_* name of the documented keys. */
  private static Map<String, String> documentedEnvNames() throws Exception {
    Map<String, String> names = new TreeMap<>();
    ShippedConfig.read(Path.of("../config/share-space.properties")).stringPropertyNames()
        .forEach(key -> names.put(Settings.envName(key), key));
    return names;
  }

  @Test
  void everyEnvironmentName_inManifestsAndCompose_isADocumentedKey() throws Exception {
    Set<String> names = new TreeSet<>();
    for (HasMetadata object : objects()) {
      if (object instanceof ConfigMap map) {
        names.addAll(map.getData().keySet());
      }
      if (object instanceof io.fabric8.kubernetes.api.model.Secret secret) {
        names.addAll(secret.getStringData().keySet());
      }
      if (object instanceof Deployment deployment) {
        deployment.getSpec().getTemplate().getSpec().getContainers()
            .forEach(c -> c.getEnv().stream().map(EnvVar::getName).forEach(names::add));
      }
    }
    Matcher compose = Pattern.compile("SHARE_SPACE_[A-Z0-9_]+").matcher(Files.readString(Path.of("../docker-compose.yml")));
    while (compose.find()) {
      if (!compose.group().endsWith("_")) { // SHARE_SPACE_MEDIA_ROOM_KEYS_${ROOM_ID}: a key family
        names.add(compose.group());
      }
    }
    Map<String, String> documented = documentedEnvNames();
    assertTrue(names.size() > 10, "names found: " + names);
    assertEquals(Set.of(), names.stream().filter(n -> !documented.containsKey(n)).collect(Collectors.toSet()),
        "SHARE_SPACE_* names that are no key of config/share-space.properties");
  }

  @Test
  void everyManifest_hasOnlyFieldsTheApiKnows() throws Exception {
    List<String> unknown = new ArrayList<>();
    for (HasMetadata object : objects()) {
      unknownFields(object, object.getKind() + " " + object.getMetadata().getName(), unknown, new IdentityHashMap<>());
    }
    assertEquals(List.of(), unknown);
  }

  /** Walks the typed model: fabric8 puts any field its schema lacks into getAdditionalProperties(). */
  private static void unknownFields(Object node, String path, List<String> unknown, Map<Object, Boolean> seen)
      throws Exception {
    if (node == null || seen.put(node, true) != null) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        unknownFields(item, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        unknownFields(entry.getValue(), path + "." + entry.getKey(), unknown, seen);
      }
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
        continue;
      }
      Object value = getter.invoke(node);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          unknown.add(path + ": unknown field(s) " + extra.keySet());
        }
      } else {
        unknownFields(value, path + "." + getter.getName().substring(3), unknown, seen);
      }
    }
  }

  private static Map<String, String> podLabels(String deployment) throws Exception {
    PodTemplateSpec template = object(Deployment.class, deployment).getSpec().getTemplate();
    return template.getMetadata().getLabels();
  }

  @Test
  void desktopPolicy_selectsTheManagersPods_letsInOnlyTheControllerOnVnc_andOutOnlyToRtmpAndDns() throws Exception {
    NetworkPolicy policy = object(NetworkPolicy.class, "room-desktops");
    assertEquals(Map.of(KubernetesDesktopManager.APP_LABEL, KubernetesDesktopManager.APP),
        policy.getSpec().getPodSelector().getMatchLabels());
    assertEquals(List.of("Ingress", "Egress"), policy.getSpec().getPolicyTypes());

    assertEquals(1, policy.getSpec().getIngress().size());
    var in = policy.getSpec().getIngress().get(0);
    assertEquals(List.of(KubernetesDesktopManager.VNC_PORT), ports(in.getPorts()));
    assertEquals(1, in.getFrom().size());
    Map<String, String> from = in.getFrom().get(0).getPodSelector().getMatchLabels();
    assertEquals(Map.of("app.kubernetes.io/name", CONTROLLER), from);
    assertTrue(podLabels("room-controller").entrySet().containsAll(from.entrySet()), "selects the controller's pods");

    var toMedia = policy.getSpec().getEgress().get(0);
    assertEquals(List.of(1935), ports(toMedia.getPorts()));
    Map<String, String> media = toMedia.getTo().get(0).getPodSelector().getMatchLabels();
    assertTrue(podLabels("media-server").entrySet().containsAll(media.entrySet()), "selects the media server's pods");
    var dns = policy.getSpec().getEgress().get(1);
    assertEquals(List.of(53, 53), ports(dns.getPorts()));
    assertEquals(2, policy.getSpec().getEgress().size(), "nothing else goes out");

    ConfigMap config = object(ConfigMap.class, "share-space-config");
    assertEquals("kubernetes", config.getData().get("SHARE_SPACE_ROOM_DESKTOP_MODE"));
    assertEquals("rtmp://media-server:1935/live", config.getData().get("SHARE_SPACE_ROOM_DESKTOP_RTMP_URL"),
        "desktops publish to the media Service's RTMP port, which the policy lets them reach");
  }

  private static List<Integer> ports(List<NetworkPolicyPort> ports) {
    return ports.stream().map(p -> p.getPort().getIntVal()).toList();
  }

  @Test
  void controllerRole_grantsWhatTheManagerCalls_andNoMore() throws Exception {
    Role role = object(Role.class, "room-desktops");
    Map<String, Set<String>> granted = new TreeMap<>();
    for (PolicyRule rule : role.getRules()) {
      assertEquals(List.of(""), rule.getApiGroups(), "core group only");
      rule.getResources().forEach(r -> granted.computeIfAbsent(r, k -> new TreeSet<>()).addAll(rule.getVerbs()));
    }
    // KubernetesDesktopManager: an informer (list, watch) and get/create/delete of pods; get/list/create/edit (patch)
    // and delete of secrets.
    assertEquals(Map.of(
        "pods", Set.of("get", "list", "watch", "create", "delete"),
        "secrets", Set.of("get", "list", "create", "patch", "delete")), granted);
  }
}
