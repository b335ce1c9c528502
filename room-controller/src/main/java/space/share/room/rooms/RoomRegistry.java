package space.share.room.rooms;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.members.MemberView;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;
import space.share.room.store.RoomStore;
import space.share.room.token.TokenSigner;

/**
 * The live rooms every room service works on, and the one way their events leave: {@link #emit}, to every
 * {@link RoomListener}, called under the room's lock so each listener sees one room's events in order.
 *
 * <p>Threading: the map is concurrent; a {@link LiveRoom}'s state is guarded by its own monitor.
 */
public final class RoomRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(RoomRegistry.class);

  private final RoomStore store;
  private final Clock clock;
  private final Map<String, LiveRoom> rooms = new ConcurrentHashMap<>();
  private final List<RoomListener> listeners = new CopyOnWriteArrayList<>();

  RoomRegistry(RoomStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  public void addListener(RoomListener listener) {
    listeners.add(listener);
  }

  /** The clock sessions and tokens are timed by: whatever acts on their expiry uses it too. */
  public Clock clock() {
    return clock;
  }

  public Collection<String> roomIds() {
    return new ArrayList<>(rooms.keySet());
  }

  public int count() {
    return rooms.size();
  }

  boolean contains(String roomId) {
    return rooms.containsKey(roomId);
  }

  /** The live room, or null (deleted, unknown). */
  LiveRoom find(String roomId) {
    return rooms.get(roomId);
  }

  /** The live room; refuses with ROOM_DELETED or NOT_FOUND. */
  LiveRoom live(String roomId) {
    LiveRoom live = rooms.get(roomId);
    if (live != null) {
      return live;
    }
    boolean deleted = TokenSigner.ROOM_ID.matcher(roomId).matches()
        && store.findRoom(roomId).map(RoomStore.RoomRow::deleted).orElse(false);
    throw deleted ? new RoomException(RoomStatus.ROOM_DELETED, "room " + roomId + " was deleted")
        : new RoomException(RoomStatus.NOT_FOUND, "no room " + roomId);
  }

  Collection<LiveRoom> all() {
    return rooms.values();
  }

  void add(LiveRoom live) {
    rooms.put(live.room.id(), live);
  }

  void remove(String roomId) {
    rooms.remove(roomId);
  }

  /** To every listener; a listener that throws is logged and the others still get the event. */
  void emit(String roomId, RoomEvent event) {
    for (RoomListener listener : listeners) {
      try {
        listener.onEvent(roomId, event);
      } catch (RuntimeException e) {
        LOG.error("room listener failed on {}", event, e);
      }
    }
  }

  /** The room's active members (from the store), each marked online when one of its event sockets is open. */
  List<MemberView> memberViews(LiveRoom live, long nowMs) {
    List<RoomStore.MemberRow> rows = store.listActiveMembers(live.room.id(), nowMs);
    synchronized (live) {
      return rows.stream()
          .map(row -> new MemberView(row.id(), row.name(), row.owner(), live.openSocketsByMember.containsKey(row.id())))
          .toList();
    }
  }
}
