package space.share.media.ingest.rtmp;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts open RTMP connections, overall and per remote address, and refuses one past either limit. The map holds an
 * entry only for an address with an open connection, so it is bounded by {@code maxConnections}.
 *
 * <p>Thread-safe: sessions open and close on several MINA I/O threads.
 */
final class RtmpAdmission {
  /** Whether a new connection may stay open. */
  enum Verdict { ADMITTED, TOO_MANY_CONNECTIONS, TOO_MANY_FROM_ADDRESS }

  private final int maxConnections;
  private final int maxPerAddress;
  private final Map<String, Integer> openByAddress = new HashMap<>();
  private int open;

  RtmpAdmission(int maxConnections, int maxPerAddress) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
  }

  /** Counts the connection when it is {@link Verdict#ADMITTED}; each admitted one must be {@link #release}d once. */
  synchronized Verdict admit(String address) {
    if (open >= maxConnections) {
      return Verdict.TOO_MANY_CONNECTIONS;
    }
    int fromAddress = openByAddress.getOrDefault(address, 0);
    if (fromAddress >= maxPerAddress) {
      return Verdict.TOO_MANY_FROM_ADDRESS;
    }
    openByAddress.put(address, fromAddress + 1);
    open++;
    return Verdict.ADMITTED;
  }

  synchronized void release(String address) {
    Integer fromAddress = openByAddress.get(address);
    if (fromAddress == null) {
      throw new IllegalStateException("released a connection that was never admitted: " + address);
    }
    if (fromAddress == 1) {
      openByAddress.remove(address);
    } else {
      openByAddress.put(address, fromAddress - 1);
    }
    open--;
  }

  synchronized int open() {
    return open;
  }

  synchronized int addresses() {
    return openByAddress.size();
  }
}
