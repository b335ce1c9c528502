package space.share.media.stream;

import java.util.List;
import space.share.media.cmaf.Fragment;
import space.share.media.cmaf.InitSegment;

/**
 * Receives one live stream's CMAF output: a WebSocket viewer, the LL-HLS packager.
 *
 * <p>Threading: called on the stream's writer thread (the ingest path), one call at a time, in order. Every method
 * must return at once: queue, never block or write to a network synchronously in a way that can wait.
 */
public interface StreamSubscriber {
  /** A new init segment: the first of a publish, or a codec change. Fragments that follow belong to it. */
  void onInit(InitSegment init, int generation);

  /**
   * Subscribed to a live stream: its current init segment and the fragments since the latest keyframe (the first
   * video one is that keyframe, unless the cache only holds audio), which a viewer can show at once; live fragments
   * follow through {@link #onFragment}. By default, the same as {@link #onInit} then each fragment.
   */
  default void onJoin(InitSegment init, int generation, List<Fragment> sinceKeyframe) {
    onInit(init, generation);
    for (Fragment fragment : sinceKeyframe) {
      onFragment(fragment);
    }
  }

  void onFragment(Fragment fragment);

  /** The publisher left; an {@link #onInit} follows if the stream publishes again. */
  void onEnded();

  /** Whether this subscriber is a person watching (counted in the status API) rather than an output like LL-HLS. */
  default boolean isViewer() {
    return true;
  }
}
