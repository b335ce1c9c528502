package space.share.room.placement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;

/**
 * Which media server carries each room's stream. A room is placed on the server with the fewest rooms among those up
 * (ties: the first in {@code room.media.servers}); when its server goes down it is placed again on a live one, and
 * when no server is up it stays where it is until one comes back. With a single server nothing is ever marked down:
 * there is nowhere to move to, and the rooms keep their URLs through an outage as they always did.
 *
 * <p>Holds one entry per live room (the room service removes it with the room). Thread-safe: every method takes the
 * instance's monitor and does no I/O.
 */
public final class Placements {
  /** A room's stream moved from one server to another. */
  public record Move(String roomId, MediaHost from, MediaHost to) {}

  private final List<MediaHost> hosts;
  private final Map<String, MediaHost> hostsById = new LinkedHashMap<>();
  private final Map<String, MediaHost> hostByRoom = new HashMap<>();
  private final Set<String> down = new HashSet<>();

  /** @param hosts in configuration order (non-empty, distinct ids) */
  public Placements(List<MediaHost> hosts) {
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("no media server configured");
    }
    this.hosts = List.copyOf(hosts);
    for (MediaHost host : hosts) {
      if (hostsById.put(host.id(), host) != null) {
        throw new IllegalArgumentException("media server id " + host.id() + " given twice");
      }
    }
  }

  public List<MediaHost> hosts() {
    return hosts;
  }

  /** Whether rooms can move at all: more than one server. */
  public boolean movable() {
    return hosts.size() > 1;
  }

  /**
   * The room's server, placing it first when it has none: on {@code preferredHostId} (where it was before a
   * controller restart) when that server is configured and up, else on the up server with the fewest rooms.
   *
   * @throws RoomException MEDIA_UNAVAILABLE when the room has no server yet and none is up
   */
  public synchronized MediaHost place(String roomId, String preferredHostId) {
    MediaHost current = hostByRoom.get(roomId);
    if (current != null) {
      return current;
    }
    MediaHost preferred = preferredHostId == null ? null : hostsById.get(preferredHostId);
    MediaHost chosen = preferred != null && !down.contains(preferred.id()) ? preferred : leastLoaded(roomCounts());
    if (chosen == null) {
      throw new RoomException(RoomStatus.MEDIA_UNAVAILABLE, "no media server is up (" + String.join(", ", down)
          + " down); the room cannot be placed");
    }
    hostByRoom.put(roomId, chosen);
    return chosen;
  }

  public synchronized Optional<MediaHost> hostOf(String roomId) {
    return Optional.ofNullable(hostByRoom.get(roomId));
  }

  /** A live room's server; refuses with NOT_FOUND for a room placed nowhere (one deleted a moment ago). */
  public MediaHost placed(String roomId) {
    return hostOf(roomId).orElseThrow(() -> new RoomException(RoomStatus.NOT_FOUND, "no room " + roomId));
  }

  public synchronized void remove(String roomId) {
    hostByRoom.remove(roomId);
  }

  public synchronized boolean isUp(String hostId) {
    return hostsById.containsKey(hostId) && !down.contains(hostId);
  }

  /** Rooms per server, every server listed (in configuration order). */
  public synchronized Map<String, Integer> roomCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    hosts.forEach(host -> counts.put(host.id(), 0));
    hostByRoom.values().forEach(host -> counts.merge(host.id(), 1, Integer::sum));
    return counts;
  }

  /**
   * Records that {@code hostId} is up or down and moves every room on a down server to an up one (least rooms first,
   * rooms in id order). Returns the moves, none when nothing changed, nothing is up, or there is one server.
   */
  public synchronized List<Move> setUp(String hostId, boolean up) {
    if (!movable() || !hostsById.containsKey(hostId)) {
      return List.of();
    }
    if (up) {
      down.remove(hostId);
    } else {
      down.add(hostId);
    }
    List<Move> moves = new ArrayList<>();
    Map<String, Integer> counts = roomCounts();
    for (Map.Entry<String, MediaHost> entry : new TreeMap<>(hostByRoom).entrySet()) {
      MediaHost from = entry.getValue();
      if (!down.contains(from.id())) {
        continue;
      }
      MediaHost to = leastLoaded(counts);
      if (to == null) {
        break; // nothing is up: the rooms wait where they are
      }
      hostByRoom.put(entry.getKey(), to);
      counts.merge(from.id(), -1, Integer::sum);
      counts.merge(to.id(), 1, Integer::sum);
      moves.add(new Move(entry.getKey(), from, to));
    }
    return moves;
  }

  /** The up server with the fewest rooms, the first configured on a tie; null when none is up. */
  private MediaHost leastLoaded(Map<String, Integer> counts) {
    MediaHost best = null;
    for (MediaHost host : hosts) {
      if (!down.contains(host.id()) && (best == null || counts.get(host.id()) < counts.get(best.id()))) {
        best = host;
      }
    }
    return best;
  }
}
