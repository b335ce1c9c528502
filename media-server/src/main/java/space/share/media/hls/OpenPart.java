package space.share.media.hls;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import space.share.media.cmaf.Fragment;

/**
 * The part being written: the preload-hinted one. Responses that asked for it stream its fragments as they are
 * appended ("chunked CMAF") and finish when it closes.
 *
 * <p>Threading: {@link #append} and {@link #close} are called by the stream's writer only. Readers take
 * {@link #isClosed()} then {@link #fragments()} without locks: both are volatile, and the writer sets {@code closed}
 * after the last append, so a reader that sees it closed sees every fragment. Listeners are told on the writer's
 * thread and must only hand work off.
 */
final class OpenPart {
  /** Told that the part grew or closed; must return at once. */
  interface Listener {
    void onPartChanged();
  }

  private final long msn;
  private final int index;
  private final boolean independent;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile List<Fragment> fragments = List.of();
  private volatile boolean closed;

  OpenPart(long msn, int index, boolean independent) {
    this.msn = msn;
    this.index = index;
    this.independent = independent;
  }

  long msn() {
    return msn;
  }

  int index() {
    return index;
  }

  boolean independent() {
    return independent;
  }

  /** The fragments so far, in order; an immutable list. */
  List<Fragment> fragments() {
    return fragments;
  }

  boolean isClosed() {
    return closed;
  }

  void addListener(Listener listener) {
    listeners.add(listener);
  }

  void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  void append(Fragment fragment) {
    // Parts hold tens of fragments: copying keeps readers lock-free at negligible cost.
    List<Fragment> longer = new ArrayList<>(fragments.size() + 1);
    longer.addAll(fragments);
    longer.add(fragment);
    fragments = List.copyOf(longer);
    notifyListeners();
  }

  /** Seals the part; returns its fragments (shared, not copied: {@link HlsPart}). */
  List<Fragment> close() {
    closed = true;
    notifyListeners();
    listeners.clear();
    return fragments;
  }

  private void notifyListeners() {
    for (Listener listener : listeners) {
      listener.onPartChanged();
    }
  }
}
