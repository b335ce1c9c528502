package space.share.room.overlay;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The strokes a room keeps for late joiners, oldest first, bounded by {@code maxStrokes} and
 * {@code maxPoints} in total: the oldest strokes go first when either bound is passed. A stroke sent again
 * with the same author and id replaces the earlier one (a long stroke sent progressively) and counts as
 * the newest. Not thread-safe: the owning room serializes calls.
 */
public final class AnnotationBoard {
  private final int maxStrokes;
  private final int maxPoints;
  private final LinkedHashMap<String, Stroke> strokes = new LinkedHashMap<>();
  private int points;

  public AnnotationBoard(int maxStrokes, int maxPoints) {
    this.maxStrokes = maxStrokes;
    this.maxPoints = maxPoints;
  }

  /** Adds or replaces; returns how many older strokes were evicted to stay within the bounds. */
  public int put(Stroke stroke) {
    Stroke previous = strokes.remove(stroke.key());
    if (previous != null) {
      points -= previous.points().length;
    }
    strokes.put(stroke.key(), stroke);
    points += stroke.points().length;
    int evicted = 0;
    Iterator<Map.Entry<String, Stroke>> oldest = strokes.entrySet().iterator();
    while ((strokes.size() > maxStrokes || points > maxPoints) && strokes.size() > 1) {
      Stroke gone = oldest.next().getValue();
      oldest.remove();
      points -= gone.points().length;
      evicted++;
    }
    return evicted;
  }

  /** Removes the strokes of one author; returns how many. */
  public int clearAuthor(String authorId) {
    int before = strokes.size();
    strokes.values().removeIf(stroke -> {
      boolean mine = stroke.author().equals(authorId);
      if (mine) {
        points -= stroke.points().length;
      }
      return mine;
    });
    return before - strokes.size();
  }

  public int clearAll() {
    int count = strokes.size();
    strokes.clear();
    points = 0;
    return count;
  }

  /** The kept strokes, oldest first (a copy; the strokes themselves are immutable). */
  public List<Stroke> strokes() {
    return new ArrayList<>(strokes.values());
  }

  public int size() {
    return strokes.size();
  }

  public int pointCount() {
    return points;
  }
}
