package space.share.room;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import space.share.room.mediaclient.MediaRevocationClient;
import space.share.room.members.Revocation;

/** A media server's revocation side in memory: records accepted revocations, can fail calls or restart. */
public final class FakeMediaRevocations implements MediaRevocationClient {
  private final List<Revocation> accepted = new ArrayList<>();
  private int attempts;
  private int failuresLeft;
  private boolean reachable = true;
  private String bootId = "boot-1";

  @Override
  public synchronized void revoke(Revocation revocation) throws IOException {
    attempts++;
    if (!reachable || failuresLeft > 0) {
      failuresLeft = Math.max(0, failuresLeft - 1);
      throw new IOException("fake media server refused");
    }
    accepted.add(revocation);
    notifyAll();
  }

  @Override
  public synchronized String bootId() throws IOException {
    if (!reachable) {
      throw new IOException("fake media server down");
    }
    return bootId;
  }

  /** The next {@code count} revoke calls fail. */
  public synchronized void failNext(int count) {
    failuresLeft = count;
  }

  public synchronized void setReachable(boolean reachable) {
    this.reachable = reachable;
  }

  /** A restart: a new boot id and nothing remembered. */
  public synchronized void restart(String newBootId) {
    bootId = newBootId;
    accepted.clear();
  }

  public synchronized List<Revocation> accepted() {
    return List.copyOf(accepted);
  }

  public synchronized int attempts() {
    return attempts;
  }

  /** Waits (bounded) until {@code count} revocations were accepted; returns them. */
  public synchronized List<Revocation> awaitAccepted(int count, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (accepted.size() < count) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        throw new AssertionError("expected " + count + " revocations within " + timeoutMs + " ms, got " + accepted);
      }
      wait(left);
    }
    return List.copyOf(accepted);
  }
}
