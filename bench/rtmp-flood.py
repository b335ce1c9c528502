#!/usr/bin/env python3
# Bounded burst of malformed RTMP connections (random bytes around a valid handshake, Set Chunk Size 0 / 2^31 /
# 2^32-1 / 2^31-1, 8 x 16 MiB message claims, thousands of chunk stream ids, random chunk headers) from loopback
# addresses 127.x.y.z against a running media server on 127.0.0.1:PORT; prints its RSS idle / peak / after.
# Usage: bench/rtmp-flood.py RTMP_PORT SERVER_PID [cases=10000] [seed=1]   (16 at a time; stops after 240 s).
# Measured in the rtmplimits branch report: 1,500 cases before the guard: RSS 111 MB -> 5.0 GB; after: 10,000
# cases, 107 MB -> peak 231 MB, 194 MB 20 s later.
import os, random, socket, struct, sys, threading, time

port = int(sys.argv[1]); pid = int(sys.argv[2])
cases = int(sys.argv[3]) if len(sys.argv) > 3 else 10000; seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
deadline = time.time() + 240
rnd = random.Random(seed)

def rss_mb():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return -1

def hs():
    return b"\x03" + bytes(1536) + bytes(1536)

def header(fmt, csid, ts, length, typ, sid=0):
    if csid < 64:
        b = bytes([fmt << 6 | csid])
    elif csid < 320:
        b = bytes([fmt << 6, csid - 64])
    else:
        b = bytes([fmt << 6 | 1, (csid - 64) & 0xFF, (csid - 64) >> 8])
    if fmt <= 2: b += ts.to_bytes(3, "big")
    if fmt <= 1: b += length.to_bytes(3, "big") + bytes([typ])
    if fmt == 0: b += struct.pack("<I", sid)
    return b

def scs(size):
    return header(0, 2, 0, 4, 1) + struct.pack(">I", size)

def amf_str(s):
    s = s.encode(); return b"\x02" + len(s).to_bytes(2, "big") + s

def connect(app="live"):
    body = amf_str("connect") + b"\x00" + struct.pack(">d", 1) + b"\x03"
    for k, v in (("app", app), ("type", "nonprivate"), ("tcUrl", "rtmp://127.0.0.1/" + app)):
        body += len(k).to_bytes(2, "big") + k.encode() + amf_str(v)
    body += b"\x00\x00\x09"
    return header(0, 3, 0, len(body), 20) + body  # < 128 bytes

def case(r):
    kind = r.randrange(6)
    if kind == 0:
        return r.randbytes(r.randrange(1, 8192))
    if kind == 1:
        return r.randbytes(r.randrange(0, 64)) + hs() + r.randbytes(r.randrange(1, 8192))
    if kind == 2:
        size = r.choice([0, 2**31, 2**32 - 1, 2**31 - 1])
        out = hs() + scs(size)
        for c in range(3, 11):
            out += header(0, c, 0, 0xFFFFFF, 9, 1) + r.randbytes(1024)
        return out
    if kind == 3:  # greedy: valid chunk size, 8 x 16 MiB claims, 64 KiB each
        out = hs() + scs(65536) + connect()
        for c in range(4, 12):
            out += header(0, c, 0, 0xFFFFFF, 9, 1) + bytes(65536)
        return out
    if kind == 4:  # many chunk stream ids
        out = hs() + scs(65536)
        for c in range(3, 3 + 4000):
            out += header(0, c, 0, 4, 5) + b"\x00\x00\x10\x00"
        return out
    out = hs()  # random chunk headers
    for _ in range(200):
        out += header(r.randrange(4), r.randrange(2, 65599), r.randrange(1 << 24), r.randrange(1 << 24), r.randrange(256)) + r.randbytes(r.randrange(0, 300))
    return out

lock = threading.Lock()
state = {"next": 0, "done": 0, "closed": 0, "refused": 0}

def worker(wid):
    r = random.Random(seed * 1000 + wid)
    while time.time() < deadline:
        with lock:
            if state["next"] >= cases: return
            n = state["next"]; state["next"] += 1
        data = case(r)
        try:
            s = socket.socket()
            s.bind((f"127.{1 + n % 200}.{(n // 200) % 250}.{1 + wid}", 0))
            s.settimeout(2)
            s.connect(("127.0.0.1", port))
            try:
                s.sendall(data)
            except OSError:
                pass
            closed = False
            t_end = time.time() + 2
            try:
                while time.time() < t_end:
                    if not s.recv(65536): closed = True; break
            except socket.timeout:
                pass
            except OSError:
                closed = True
            s.close()
            with lock:
                state["done"] += 1; state["closed"] += closed
        except OSError:
            with lock: state["refused"] += 1

idle = rss_mb()
print(f"idle RSS {idle} MB", flush=True)
threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
start = time.time()
for t in threads: t.start()
peak = idle
while any(t.is_alive() for t in threads):
    time.sleep(1)
    peak = max(peak, rss_mb())
print(f"{state['done']} cases in {time.time() - start:.0f} s; closed by server within 2 s: {state['closed']}; connect errors {state['refused']}", flush=True)
time.sleep(5)
after = rss_mb()
time.sleep(15)
later = rss_mb()
alive = os.path.exists(f"/proc/{pid}")
print(f"RSS idle {idle} MB, peak {peak} MB, 5 s after {after} MB, 20 s after {later} MB; server alive: {alive}", flush=True)
