#!/usr/bin/env python3
"""Merges the room's video-only and audio-only FLV streams into one, tag by tag as each tag arrives (encode.sh).

Why: one ffmpeg capturing both writes its output in timestamp order, so every video frame waits for the audio of
the same moment, which leaves the AAC encoder ~65 ms after its timestamp: ~100 ms of the desktop's delay
(docs/desktop.md, "Where the delay goes"). Two ffmpeg processes (video; audio) each have their own muxer and
neither waits; this relay writes whole tags from either as they come. Each track stays in timestamp order; the
media server and the player key on timestamps, not on arrival order.

Timestamps: the video's are x11grab's capture times on encode.sh's wall-clock origin (-copyts -itsoffset; the
FLV muxer rebases to the first packet, which CFR output puts at the origin). The audio's are made here: PulseAudio's
own (wall clock minus its latency, smoothed by ffmpeg) are off by a different 0.1-0.6 s at every start. An AAC
frame leaves its encoder about AUDIO_PIPELINE_MS after its first sample was heard (that frame, the one the encoder
holds, half a recorder fragment), so each frame is stamped from its arrival on the origin's clock minus that, in
sample-exact steps (AudioClock).

Start: the first tags are held until both tracks have started (each encoder's first tag is its sequence header;
the audio's comes 0.1-1.5 s after the video's, or first when PulseAudio is warm), so the media server sees both
tracks before the first frame and builds one init segment; at most MAX_HELD_BYTES are held. Then the stream
starts like one ffmpeg's: onMetaData, the video's sequence header, the audio's, the held frames.

usage: flv-merge.py VIDEO_FLV AUDIO_FLV ORIGIN_S AUDIO_RATE_HZ AUDIO_PIPELINE_MS   (the merged FLV to stdout)
Exits 0 when either input ends, 1 with one line on stderr on bad input or when the output is gone.
"""
import collections
import os
import select
import statistics
import sys
import time

FLV_HEADER = b'FLV\x01\x05\x00\x00\x00\x09' + b'\x00\x00\x00\x00'  # audio + video, then PreviousTagSize0
HEADER_BYTES = 13
TAG_HEADER_BYTES = 11
AUDIO, VIDEO, SCRIPT = 8, 9, 18
MAX_HELD_BYTES = 64 << 20     # tags held at the start, waiting for the other track's first tag
READ_BYTES = 1 << 20
AAC_FRAME_SAMPLES = 1024
WINDOW_S = 5                  # AudioClock's window of arrivals (a deque of ~234 offsets at 48 kHz)


class Failure(Exception):
    pass


class Source:
    """One input FLV stream: bytes in, whole tags out (header skipped, each checked). It buffers at most one
    partial tag (FLV's 24-bit size: < 16 MiB) and one read."""

    def __init__(self, name, fd, accepted):
        self.name, self.fd, self.accepted = name, fd, accepted
        self.buf = bytearray()
        self.header_seen = False

    def feed(self, data):
        self.buf += data
        tags = []
        if not self.header_seen:
            if len(self.buf) < HEADER_BYTES:
                return tags
            if self.buf[:3] != b'FLV':
                raise Failure(f"{self.name}: not an FLV stream")
            del self.buf[:HEADER_BYTES]
            self.header_seen = True
        at = 0
        while len(self.buf) - at >= TAG_HEADER_BYTES:
            kind = self.buf[at] & 0x1F
            size = int.from_bytes(self.buf[at + 1:at + 4], 'big')
            if kind not in self.accepted:
                raise Failure(f"{self.name}: unexpected FLV tag type {kind}")
            end = at + TAG_HEADER_BYTES + size + 4
            if len(self.buf) < end:
                break
            tags.append(self.buf[at:end])  # a copy: a bytearray slice
            at = end
        del self.buf[:at]
        return tags


class AudioClock:
    """Stamps AAC frames: frame i at anchor + i x frame, sample-exact, the anchor being the median of
    (arrival - pipeline - i x frame) over the last WINDOW_S: arrivals wander with the recorder's fragment phase
    and with bursts and stalls, and the median of 5 s follows none of them (the earliest did: it made the audio's
    stamps ~60 ms early, RoomDelayIT "audio arrives 85-100 ms after its video" against 62 with the median). Samples
    PulseAudio dropped show as arrivals later than the stamps: the anchor moves once half the window has seen it."""

    def __init__(self, rate_hz, pipeline_ms, now_ms):
        self.frame_ms = AAC_FRAME_SAMPLES * 1000.0 / rate_hz
        self.pipeline_ms = pipeline_ms
        self.now_ms = now_ms
        self.offsets = collections.deque(maxlen=max(1, int(WINDOW_S * 1000 / self.frame_ms)))
        self.count = 0
        self.last = -1

    def stamp(self):
        at = self.count * self.frame_ms
        self.count += 1
        self.offsets.append(self.now_ms() - self.pipeline_ms - at)
        ts = max(int(round(statistics.median_low(self.offsets) + at)), self.last + 1, 0)  # each track's stamps rise
        self.last = ts
        return ts


def restamped(tag, ts):
    ts &= 0xFFFFFFFF
    tag[4:7] = (ts & 0xFFFFFF).to_bytes(3, 'big')
    tag[7] = ts >> 24
    return tag


def start_rank(tag):
    """Where a held tag goes at the start: onMetaData, the video's sequence header, the audio's, then the frames."""
    kind = tag[0] & 0x1F
    if kind == SCRIPT:
        return 0
    if tag[TAG_HEADER_BYTES + 1] == 0:  # AVCPacketType / AACPacketType 0: sequence header
        return 1 if kind == VIDEO else 2
    return 3


def log(message):
    print(f"[desktop/flv-merge] {message}", file=sys.stderr, flush=True)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def merge(video_path, audio_path, clock, out_fd):
    video = Source('video', os.open(video_path, os.O_RDONLY), {VIDEO, SCRIPT})
    audio = Source('audio', os.open(audio_path, os.O_RDONLY), {AUDIO, SCRIPT})
    write_all(out_fd, FLV_HEADER)
    held, held_bytes, started, live = [], 0, set(), False
    open_fds = {video.fd: video, audio.fd: audio}
    while True:
        ready, _, _ = select.select(list(open_fds), [], [])
        for fd in ready:
            source = open_fds[fd]
            data = os.read(fd, READ_BYTES)
            if not data:
                return f"{source.name} input ended"
            for tag in source.feed(data):
                kind = tag[0] & 0x1F
                if kind == SCRIPT and source is audio:
                    continue  # the video's onMetaData describes the stream
                if kind == AUDIO and tag[TAG_HEADER_BYTES + 1] == 1:  # an AAC frame, not the sequence header
                    tag = restamped(tag, clock.stamp())
                if live:
                    write_all(out_fd, tag)
                    continue
                if not held:
                    log("holding the first tags until both tracks have started")
                held.append(tag)
                held_bytes += len(tag)
                if held_bytes > MAX_HELD_BYTES:
                    raise Failure(f"only the {source.name} after {held_bytes} bytes (more than {MAX_HELD_BYTES})")
                if kind != SCRIPT:
                    started.add(source.name)
                if len(started) == 2:
                    live = True
                    log(f"both tracks started: releasing {len(held)} held tags ({held_bytes} bytes)")
                    for h in sorted(held, key=start_rank):  # stable: the frames keep their arrival order
                        write_all(out_fd, h)
                    held, held_bytes = [], 0


def main(argv):
    try:
        if len(argv) != 6 or int(argv[4]) <= 0:
            raise ValueError
        origin_ms = float(argv[3]) * 1000
        clock = AudioClock(int(argv[4]), float(argv[5]), lambda: time.time() * 1000 - origin_ms)
    except (IndexError, ValueError):
        print("usage: flv-merge.py VIDEO_FLV AUDIO_FLV ORIGIN_S AUDIO_RATE_HZ AUDIO_PIPELINE_MS", file=sys.stderr)
        return 2
    try:
        reason = merge(argv[1], argv[2], clock, sys.stdout.fileno())
    except Failure as e:
        log(str(e))
        return 1
    except BrokenPipeError:
        log("output closed")
        return 1
    log(reason)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
