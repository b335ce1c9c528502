package space.share.room.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnnotationBoardTest {
  static Stroke stroke(String author, String id, int points) {
    double[][] p = new double[points][];
    for (int i = 0; i < points; i++) {
      p[i] = new double[] {0.5, 0.5};
    }
    return new Stroke(id, author, author.toUpperCase(), "pen", "#ff0000", 4, p);
  }

  static List<String> ids(AnnotationBoard board) {
    return board.strokes().stream().map(s -> s.author() + ":" + s.id()).toList();
  }

  @Test
  void put_pastStrokeCap_oldestEvicted() {
    AnnotationBoard board = new AnnotationBoard(3, 1000);
    for (int i = 1; i <= 5; i++) {
      board.put(stroke("a", "s" + i, 2));
    }
    assertEquals(List.of("a:s3", "a:s4", "a:s5"), ids(board));
    assertEquals(6, board.pointCount());
  }

  @Test
  void put_pastPointCap_oldestEvictedButNewestKept() {
    AnnotationBoard board = new AnnotationBoard(100, 10);
    board.put(stroke("a", "s1", 4));
    board.put(stroke("a", "s2", 4));
    assertEquals(1, board.put(stroke("a", "s3", 4)));
    assertEquals(List.of("a:s2", "a:s3"), ids(board));
    board.put(stroke("a", "big", 30)); // alone above the cap: kept, everything older goes
    assertEquals(List.of("a:big"), ids(board));
  }

  @Test
  void put_sameAuthorAndId_replacesAndMovesToNewest() {
    AnnotationBoard board = new AnnotationBoard(10, 1000);
    board.put(stroke("a", "s1", 2));
    board.put(stroke("b", "s1", 2)); // same id, another author: another stroke
    board.put(stroke("a", "s1", 5)); // the growing stroke
    assertEquals(List.of("b:s1", "a:s1"), ids(board));
    assertEquals(7, board.pointCount());
  }

  @Test
  void clearAuthor_onlyTheirs_clearAll_everything() {
    AnnotationBoard board = new AnnotationBoard(10, 1000);
    board.put(stroke("a", "s1", 2));
    board.put(stroke("b", "s2", 3));
    board.put(stroke("a", "s3", 2));
    assertEquals(2, board.clearAuthor("a"));
    assertEquals(List.of("b:s2"), ids(board));
    assertEquals(3, board.pointCount());
    assertEquals(1, board.clearAll());
    assertEquals(0, board.pointCount());
  }
}
