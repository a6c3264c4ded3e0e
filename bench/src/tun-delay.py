"""A delay line between two TUN devices, for kernels without sch_netem.

Usage: python3 tun-delay.py NEAR FAR DELAY_MS [LOSS_PERCENT]

Opens two TUN devices (created here, gone when this process ends) and copies every IP packet
read from one into the other DELAY_MS later, both ways, in order, dropping LOSS_PERCENT of them
at random in each direction (seeded, so every run draws the same sequence). Configured as the two ends of a
point-to-point link (one end moved into a network namespace), they make a link with that one-way
delay; a rate cap is the kernel's (tbf on an end). Prints "ready" once both devices exist, and
exits when its standard input closes, so it never outlives the bench that started it.
"""

import fcntl
import heapq
import os
import random
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def open_tun(name: str) -> int:
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main() -> None:
    near_name, far_name, delay_ms = sys.argv[1], sys.argv[2], float(sys.argv[3])
    delay = delay_ms / 1000.0
    loss = float(sys.argv[4]) / 100.0 if len(sys.argv) > 4 else 0.0
    chance = random.Random(12).random
    near, far = open_tun(near_name), open_tun(far_name)
    peer = {near: far, far: near}
    stdin = sys.stdin.fileno()
    print("ready", flush=True)
    line = []  # (due, seq, out_fd, packet)
    seq = 0
    while True:
        timeout = max(0.0, line[0][0] - time.monotonic()) if line else None
        readable, _, _ = select.select([near, far, stdin], [], [], timeout)
        now = time.monotonic()
        for fd in readable:
            if fd == stdin:
                if not os.read(stdin, 4096):
                    return
                continue
            # Drain what is queued now: one syscall per packet, no wait.
            for _ in range(256):
                try:
                    packet = os.read(fd, 65536)
                except (BlockingIOError, InterruptedError):
                    break
                if loss and chance() < loss:
                    continue
                seq += 1
                heapq.heappush(line, (now + delay, seq, peer[fd], packet))
        now = time.monotonic()
        while line and line[0][0] <= now:
            _, _, out, packet = heapq.heappop(line)
            try:
                os.write(out, packet)
            except (BlockingIOError, OSError):
                pass  # the device is down or full: the packet is lost, as on a real link


if __name__ == "__main__":
    main()
