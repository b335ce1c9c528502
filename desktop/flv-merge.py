#!/usr/bin/env python3
"""Merges the room's video-only and audio-only FLV streams into one, tag by tag as each tag arrives (encode.sh).

Why: one ffmpeg capturing both writes its output in timestamp order, so every video frame waits for the audio of
the same moment, which leaves the AAC encoder ~65 ms after its timestamp: ~100 ms of the desktop's delay
(docs/desktop.md, "Where the delay goes"). Two ffmpeg processes (video; audio) each have their own muxer and
neither waits; this relay writes whole tags from either as they come. Each track stays in timestamp order; the
media server and the player key on timestamps, not on arrival order.

Timestamps: both encoders stamp with the same wall-clock origin (encode.sh's -copyts -itsoffset), but the FLV
muxer rebases each output to its first packet: the video's first packet is at 0 (CFR output starts at the
origin), the audio's at minus one AAC frame (the encoder's priming; encode.sh pads the audio to start at 0), so
the audio tags come out one frame late. VIDEO_SHIFT_MS (one AAC frame in ms) is added to every video tag to put
the tracks back on one clock.

Start: the first tags are held until both tracks have started (each encoder's first tag is its sequence header;
the audio's comes 0.1-1.5 s after the video's, or first when PulseAudio is warm), so the media server sees both
tracks before the first frame and builds one init segment; at most MAX_HELD_BYTES are held. Then the stream
starts like one ffmpeg's: onMetaData, the video's sequence header, the audio's, the held frames.

usage: flv-merge.py VIDEO_FLV AUDIO_FLV VIDEO_SHIFT_MS   (the merged FLV goes to stdout)
Exits 0 when either input ends, 1 with one line on stderr on bad input or when the output is gone.
"""
import os
import select
import sys

FLV_HEADER = b'FLV\x01\x05\x00\x00\x00\x09' + b'\x00\x00\x00\x00'  # audio + video, then PreviousTagSize0
HEADER_BYTES = 13
TAG_HEADER_BYTES = 11
AUDIO, VIDEO, SCRIPT = 8, 9, 18
MAX_HELD_BYTES = 64 << 20     # tags held at the start, waiting for the other track's first tag
READ_BYTES = 1 << 20


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
        while len(self.buf) >= TAG_HEADER_BYTES:
            kind = self.buf[0] & 0x1F
            size = int.from_bytes(self.buf[1:4], 'big')
            if kind not in self.accepted:
                raise Failure(f"{self.name}: unexpected FLV tag type {kind}")
            total = TAG_HEADER_BYTES + size + 4
            if len(self.buf) < total:
                break
            tags.append(bytearray(self.buf[:total]))
            del self.buf[:total]
        return tags


def shifted(tag, shift_ms):
    ts = (int.from_bytes(tag[4:7], 'big') | (tag[7] << 24)) + shift_ms
    ts &= 0xFFFFFFFF
    tag[4:7] = (ts & 0xFFFFFF).to_bytes(3, 'big')
    tag[7] = ts >> 24
    return tag


def config_rank(tag):
    """Where a configuration tag goes at the start (onMetaData, the video's sequence header, the audio's), or
    None for a frame."""
    kind = tag[0] & 0x1F
    if kind == SCRIPT:
        return 0
    if tag[TAG_HEADER_BYTES + 1] == 0:  # AVCPacketType / AACPacketType 0: sequence header
        return 1 if kind == VIDEO else 2
    return None


def log(message):
    print(f"[desktop/flv-merge] {message}", file=sys.stderr, flush=True)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def merge(video_path, audio_path, shift_ms, out_fd):
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
                if kind == VIDEO:
                    tag = shifted(tag, shift_ms)  # not onMetaData: readers expect it at 0
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
                    configs = sorted((h for h in held if config_rank(h) is not None), key=config_rank)
                    for h in configs + [h for h in held if config_rank(h) is None]:
                        write_all(out_fd, h)
                    held, held_bytes = [], 0


def main(argv):
    if len(argv) != 4 or not argv[3].isdigit():
        print("usage: flv-merge.py VIDEO_FLV AUDIO_FLV VIDEO_SHIFT_MS", file=sys.stderr)
        return 2
    try:
        reason = merge(argv[1], argv[2], int(argv[3]), sys.stdout.fileno())
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
