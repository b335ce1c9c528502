package space.share.media.ingest.rtmp;

import org.red5.server.net.rtmp.RTMPMinaConnection;

/**
 * Red5's MINA connection with its {@link #close()} calls run one at a time.
 *
 * <p>Red5 1.3.17 closes a connection from two threads at once when a publisher hangs up: MINA's I/O thread
 * ({@code sessionClosed} → {@code BaseRTMPHandler.connectionClosed}) and a message thread handling the publisher's
 * last command (FCUnpublish, deleteStream), which finds the socket gone and closes ("Not connected, closing
 * connection"). The message thread wins {@code RTMPMinaConnection.close}'s guard; the I/O thread's close then returns
 * at once and {@code connectionClosed} marks the connection disconnected, and if that lands before the winner reaches
 * {@code RTMPConnection.close}'s state check, the winner returns "Already disconnected": no deleteStream (so no
 * {@code streamBroadcastClose}, the stream stays live), no scope disconnect (no {@code appDisconnect}), nothing logged.
 * Serialized, the loser's close waits for the winner's to finish, and only then is the connection marked
 * disconnected.
 *
 * <p>Nothing a close does waits for another thread (MINA's {@code closeNow} only schedules), so the lock cannot
 * deadlock; it is reentrant for MINA's close listener, which may run on the closing thread.
 */
final class SerialCloseConnection extends RTMPMinaConnection {
  private final Object closeLock = new Object();

  @Override
  public void close() {
    synchronized (closeLock) {
      super.close();
    }
  }
}
