#!/usr/bin/env python3
"""Merges the room's video-only and audio-only FLV streams into one, tag by tag as each tag arrives (encode.sh).

Why: one ffmpeg capturing both writes its output in timestamp order, so every video frame waits for the audio of
the same moment, which leaves the AAC encoder ~65 ms after its timestamp: ~100 ms of the desktop's delay
(docs/desktop.md, "Where the delay goes"). Two ffmpeg processes (video; audio) each have their own muxer and
neither waits; this relay writes whole tags from either as they come. Each track stays in timestamp order; the
media server and the player key on timestamps, not on arrival order.

Timestamps: both tracks are stamped here, from each frame's arrival on encode.sh's wall-clock origin minus that
track's pipeline (ArrivalClock), so the sound and the picture of one moment carry one time. The encoders' own are
off: PulseAudio's (wall clock minus its latency, smoothed by ffmpeg) by a different 0.1-0.6 s at every start;
x11grab's, through ffmpeg, came out ~40 ms after the frame itself (bench-delay.sh "capture pts -> FLV tag out"
-31 to -42 ms, with CFR and VFR alike), so the picture played ~45 ms behind its sound and waited for it that
much longer. An AAC frame leaves its encoder about AUDIO_PIPELINE_MS after its first sample was heard (that frame,
the one the encoder holds, half a recorder fragment); a video frame VIDEO_PIPELINE_MS after its capture (copy,
conversion, x264 ultrafast). The video keeps its frames' spacing, the audio is sample-exact.

Start: the first tags are held until both tracks have started (each encoder's first tag is its sequence header;
the audio's comes 0.1-1.5 s after the video's, or first when PulseAudio is warm), so the media server sees both
tracks before the first frame and builds one init segment; at most MAX_HELD_BYTES are held. Then the stream
starts like one ffmpeg's: onMetaData, the video's sequence header, the audio's, the held frames.

usage: flv-merge.py VIDEO_FLV AUDIO_FLV ORIGIN_S AUDIO_RATE_HZ AUDIO_PIPELINE_MS VIDEO_PIPELINE_MS
(the merged FLV to stdout)
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
WINDOW_S = 5                  # ArrivalClock's window of arrivals (~234 AAC frames at 48 kHz, 150 video frames)
USAGE = "usage: flv-merge.py VIDEO_FLV AUDIO_FLV ORIGIN_S AUDIO_RATE_HZ AUDIO_PIPELINE_MS VIDEO_PIPELINE_MS"


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


class ArrivalClock:
    """Stamps one track's frames on the origin's clock from when they arrive here: a frame's own time t (the
    encoder's stamp, or its count of samples) moved by pick() over the last WINDOW_S of (arrival - pipeline - t), so
    the frames keep their spacing and the track sits where its arrivals say, moved by no more than max_offset_ms.
    The video's own times are its capture times off by a constant, and a frame can only come late (a queue, a slow
    encode, the start): min() is the frame that waited for nothing, and a move never makes a frame later than its
    own time (max_offset_ms 0): at the start, while only frames that waited have come, x11grab's stamps stand, and
    frames caught in a start-up backlog keep their spacing. Each track's stamps rise."""

    def __init__(self, pipeline_ms, now_ms, pick, max_offset_ms):
        self.pipeline_ms = pipeline_ms
        self.now_ms = now_ms
        self.pick = pick
        self.max_offset_ms = max_offset_ms
        self.window = collections.deque()  # (arrival ms, offset ms), the last WINDOW_S
        self.last = -1

    def stamp(self, t_ms):
        now = self.now_ms()
        self.window.append((now, now - self.pipeline_ms - t_ms))
        while self.window[0][0] < now - WINDOW_S * 1000:
            self.window.popleft()
        offset = min(self.pick(o for _, o in self.window), self.max_offset_ms)
        ts = max(int(round(offset + t_ms)), self.last + 1, 0)
        self.last = ts
        return ts


class AudioClock(ArrivalClock):
    """AAC frames: frame i's own time is i x 1024 samples, so the stamps are sample-exact (PulseAudio's own are off
    by a different 0.1-0.6 s at every start). Counted samples carry no capture time, and their arrivals wander with
    the recorder's fragment phase, bursts and stalls: the median of 5 s follows none of them (the earliest arrival
    did: it made the stamps ~60 ms early, RoomDelayIT "audio arrives 85-100 ms after its video" against 62 with the
    median). Samples PulseAudio dropped show as arrivals later than the stamps: the track moves once half the
    window has seen it."""

    def __init__(self, rate_hz, pipeline_ms, now_ms):
        super().__init__(pipeline_ms, now_ms, statistics.median_low, float('inf'))
        self.frame_ms = AAC_FRAME_SAMPLES * 1000.0 / rate_hz
        self.count = 0

    def stamp(self):
        self.count += 1
        return super().stamp((self.count - 1) * self.frame_ms)


def timestamp(tag):
    return int.from_bytes(tag[4:7], 'big') | tag[7] << 24


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


def merge(video_path, audio_path, video_clock, audio_clock, out_fd):
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
                    tag = restamped(tag, audio_clock.stamp())
                elif kind == VIDEO and tag[TAG_HEADER_BYTES + 1] == 1:  # an AVC frame (NALUs)
                    tag = restamped(tag, video_clock.stamp(timestamp(tag)))
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
        if len(argv) != 7 or int(argv[4]) <= 0:
            raise ValueError
        origin_ms = float(argv[3]) * 1000
        now_ms = lambda: time.time() * 1000 - origin_ms  # noqa: E731
        audio_clock = AudioClock(int(argv[4]), float(argv[5]), now_ms)
        video_clock = ArrivalClock(float(argv[6]), now_ms, pick=min, max_offset_ms=0)
    except (IndexError, ValueError):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        reason = merge(argv[1], argv[2], video_clock, audio_clock, sys.stdout.fileno())
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
