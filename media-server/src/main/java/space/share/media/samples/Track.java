package space.share.media.samples;

/** The two elementary streams a publisher may send. Track ids are fixed so every init segment agrees. */
public enum Track {
  VIDEO(1),
  AUDIO(2);

  private final int trackId;

  Track(int trackId) {
    this.trackId = trackId;
  }

  /** The ISO-BMFF track_ID of this track in every init segment and fragment. */
  public int trackId() {
    return trackId;
  }
}
