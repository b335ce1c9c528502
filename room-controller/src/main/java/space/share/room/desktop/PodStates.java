package space.share.room.desktop;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import space.share.room.rooms.DesktopState;

/**
 * A room's {@link DesktopState} read from its desktop pod's status, the way process mode reads room.sh's status file:
 * {@code starting} until the pod is Ready (scheduled, image pulled, x11vnc accepting on the VNC port: the readiness
 * probe), {@code running} while it is, {@code failed} while its container waits to be restarted (CrashLoopBackOff)
 * or cannot start at all (image pull, missing Secret), or the pod ended (evicted).
 *
 * <p>Stateless; thread-safe.
 */
public final class PodStates {
  private PodStates() {}

  /** Container waiting reasons that mean it is not on its way up: it crashed or cannot be created. */
  private static final Set<String> FAILING_WAIT_REASONS = Set.of("CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff",
      "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

  /** The state of a wanted room's pod; null (not created yet, or being replaced) is {@code starting}. */
  public static DesktopState stateOf(Pod pod) {
    if (pod == null || pod.getStatus() == null || pod.getMetadata().getDeletionTimestamp() != null) {
      return DesktopState.STARTING;
    }
    PodStatus status = pod.getStatus();
    if ("Failed".equals(status.getPhase()) || "Succeeded".equals(status.getPhase())) {
      return DesktopState.FAILED;
    }
    if (failingReason(pod).isPresent()) {
      return DesktopState.FAILED;
    }
    return ready(pod) ? DesktopState.RUNNING : DesktopState.STARTING;
  }

  /** Why the pod's container is down, when it waits for a restart or cannot start (for the log). */
  public static Optional<String> failingReason(Pod pod) {
    if (pod == null || pod.getStatus() == null) {
      return Optional.empty();
    }
    for (ContainerStatus container : list(pod.getStatus().getContainerStatuses())) {
      var state = container.getState();
      if (state == null) {
        continue;
      }
      if (state.getWaiting() != null && FAILING_WAIT_REASONS.contains(state.getWaiting().getReason())) {
        return Optional.of(state.getWaiting().getReason());
      }
      if (state.getTerminated() != null) {
        return Optional.of("terminated (exit " + state.getTerminated().getExitCode() + ")");
      }
    }
    return Optional.empty();
  }

  /** The pod's Ready condition is True (its readiness probe passed) and it has an IP. */
  public static boolean ready(Pod pod) {
    if (pod == null || pod.getStatus() == null || pod.getStatus().getPodIP() == null
        || pod.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    for (PodCondition condition : list(pod.getStatus().getConditions())) {
      if ("Ready".equals(condition.getType())) {
        return "True".equals(condition.getStatus());
      }
    }
    return false;
  }

  /** The pod ended for good (restartPolicy Always never ends it by itself: evicted, node lost). */
  public static boolean ended(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Failed".equals(phase) || "Succeeded".equals(phase);
  }

  private static <T> List<T> list(List<T> items) {
    return items == null ? List.of() : items;
  }
}
