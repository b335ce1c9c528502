#!/usr/bin/env python3
"""Where the room desktop's delay goes, for desktop/bench-delay.sh (not used by a room).

The page on the display (player/src/test/resources/stamp-desktop.html) draws Date.now() as a barcode every
animation frame: 40 cells of 32 px, row A (y 8-44) the bits, row B (y 48-84) their inverse.

  screen SECONDS              stdin: raw gray frames 1280x84 (the top of the display, grabbed by x11grab at a
                              high rate); prints "drawn -> in X" = wall clock when the frame was read - stamp
  flv SECONDS ORIGIN_S PATH   PATH: encode.sh's FLV (a pipe). Per video tag: arrival (wall clock) - the stamp
                              decoded from that frame; the tag's time + ORIGIN_S (encode.sh's -itsoffset) is
                              the capture time ffmpeg gave it (shifted by the muxer if audio starts negative).
Prints p50 / p95 / n of each figure, in ms, on one line each. Bounded: stops after SECONDS.
"""
import subprocess
import sys
import threading
import time

W, H = 1280, 84
BITS, CELL, YA, YB, ROW = 40, 32, 8, 48, 36


def stamp_of(frame):
    """The 40-bit stamp in frame (gray bytes, W x H), rebuilt to a full ms wall clock, or None."""
    value = 0
    for b in range(BITS):
        x = b * CELL + CELL // 2
        a = frame[(YA + ROW // 2) * W + x]
        c = frame[(YB + ROW // 2) * W + x]
        if abs(a - c) < 60:
            return None
        value = value * 2 + (1 if a > c else 0)
    now = int(time.time() * 1000)
    full = (now & ~((1 << BITS) - 1)) | value
    return full if abs(full - now) < 60_000 else None


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p / 100))] if s else float('nan')


def line(name, values):
    print(f"{name:32s} p50 {pct(values, 50):7.1f}  p95 {pct(values, 95):7.1f}  n {len(values)}", flush=True)


def read_exact(stream, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = stream.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def screen(seconds):
    end = time.monotonic() + seconds
    delays, last = [], None
    src = sys.stdin.buffer
    while time.monotonic() < end:
        frame = read_exact(src, W * H)
        if frame is None:
            break
        now = time.time() * 1000
        stamp = stamp_of(frame)
        if stamp is not None and stamp != last:
            delays.append(now - stamp)
            last = stamp
    # the first second is start-up
    line("drawn -> in X (grab read)", delays[60:])


def flv(seconds, origin_s, path):
    decoder = subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-fflags", "nobuffer", "-flags", "low_delay",
         "-probesize", "32", "-analyzeduration", "0", "-threads", "1", "-f", "flv", "-i", "pipe:0",
         "-map", "0:v:0", "-vf", f"crop={W}:{H}:0:0,format=gray", "-fps_mode", "passthrough",
         "-f", "rawvideo", "pipe:1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    tags = []  # (arrival ms, tag time ms) of video frames, in order
    decoded = []  # (decoded ms, stamp) in order
    audio = []  # (arrival ms, tag time ms)

    def read_decoded():
        while True:
            frame = read_exact(decoder.stdout, W * H)
            if frame is None:
                return
            decoded.append((time.time() * 1000, stamp_of(frame)))

    reader = threading.Thread(target=read_decoded, daemon=True)
    reader.start()
    src = open(path, 'rb', buffering=0)  # opened here, so the caller's timeout also bounds waiting for a writer
    end = time.monotonic() + seconds
    header = read_exact(src, 13)
    decoder.stdin.write(header)
    while time.monotonic() < end:
        head = read_exact(src, 11)
        if head is None:
            break
        now = time.time() * 1000
        size = int.from_bytes(head[1:4], 'big')
        ts = int.from_bytes(head[4:7], 'big') | (head[7] << 24)
        body = read_exact(src, size + 4)
        if body is None:
            break
        if head[0] == 9 and body[1] == 1:  # AVC NALU
            tags.append((now, ts))
        elif head[0] == 8 and body[1] == 1:  # AAC raw
            audio.append((now, ts))
        decoder.stdin.write(head + body)
        decoder.stdin.flush()
    decoder.stdin.close()
    decoder.wait(10)
    reader.join(5)
    origin_ms = origin_s * 1000
    arrive, captured, dec, ffmpeg_part = [], [], [], []
    last = None
    # The decoder may drop the first frames while it starts; the last frames out are the last tags in.
    skip = max(0, len(tags) - len(decoded))
    for (t_arr, ts), (t_dec, stamp) in list(zip(tags[skip:], decoded))[60:]:
        if stamp is None or stamp == last:  # a duplicated frame shows an older drawing: count new ones only
            continue
        last = stamp
        arrive.append(t_arr - stamp)
        captured.append(origin_ms + ts - stamp)
        ffmpeg_part.append(t_arr - (origin_ms + ts))
        dec.append(t_dec - stamp)
    line("drawn -> capture pts", captured)
    line("capture pts -> FLV tag out", ffmpeg_part)
    line("drawn -> FLV tag out", arrive)
    line("drawn -> decoded here", dec)
    line("audio: tag time -> tag out", [a - (origin_ms + ts) for a, ts in audio[50:]])
    print(f"video tags {len(tags)} decoded {len(decoded)} audio tags {len(audio)}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "screen":
        screen(float(sys.argv[2]))
    else:
        flv(float(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
