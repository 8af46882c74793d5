#!/usr/bin/env python3
"""Boots one DeviceTrust device in QEMU with its UART as the device's network link.

QEMU's UART is a socket chardev to a Unix socket of ours. The TCP connection to the backend
(127.0.0.1 only) is opened when the firmware writes its first byte, the way a device opens a
connection when its app decides to: firmware that never runs (a halted boot) never connects.
One run = one TCP stream. Prints the device log (semihosting) and "LINK:" lines, exits with
QEMU's exit code (124 when the run exceeded --timeout).
Faults on purpose: --cut-after N kills QEMU (a power cut: flash keeps what was written) once the
backend sent N bytes; --close-after N closes the backend connection instead (a server or network
that drops the stream mid-answer), the device keeps running. Counted in HTTP exchanges instead of
bytes (the TLS records' content types are in the clear: a run of application-data records from
the device is one request, the backend's run after it its answer; 1 = the session request):
--cut-at-request N kills QEMU as the device begins request N (it received every answer before,
the backend sees nothing of request N); --drop-answer N closes the connection as the backend
begins its answer to request N, none of which reaches the device (the backend received and
handled the request, the device never learns it did).
"""
import argparse
import os
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import time

CPU = "rv32,a=false,f=false,d=false,zba=false,zbb=false,zbc=false,zbs=false,zkr=true"


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def recv_now(sock):
    """What the socket has now: bytes, b"" at the end of the stream (or a reset), None if nothing yet."""
    try:
        return sock.recv(65536)
    except BlockingIOError:
        return None
    except ConnectionResetError:
        return b""


APPLICATION_DATA = 23


class Records:
    """Where TLS records begin in one direction of the stream: feed(data) -> offsets and content types."""

    def __init__(self):
        self.header = b""
        self.left = 0  # bytes of the current record's body still to come

    def feed(self, data):
        starts = []
        i = 0
        while i < len(data):
            if self.left:
                step = min(self.left, len(data) - i)
                self.left -= step
                i += step
                continue
            if not self.header:
                starts.append((i, data[i]))
            take = min(5 - len(self.header), len(data) - i)
            self.header += data[i:i + take]
            i += take
            if len(self.header) == 5:
                self.left = int.from_bytes(self.header[3:5], "big")
                self.header = b""
        return starts


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dir", required=True, help="directory with pflash0.img and pflash1.img")
    p.add_argument("--port", type=int, required=True, help="backend TCP port on 127.0.0.1")
    p.add_argument("--timeout", type=float, default=90)
    p.add_argument("--icount", action="store_true", help="-icount shift=0 (deterministic instruction counts)")
    p.add_argument("--cut-after", type=int, default=0, metavar="N",
                   help="power cut: kill QEMU once the backend sent N bytes (exit 137)")
    p.add_argument("--close-after", type=int, default=0, metavar="N",
                   help="close the backend connection once it sent N bytes")
    p.add_argument("--cut-at-request", type=int, default=0, metavar="N",
                   help="power cut: kill QEMU as the device begins HTTP request N (exit 137)")
    p.add_argument("--drop-answer", type=int, default=0, metavar="N",
                   help="close the backend connection as it begins answering request N, none of it delivered")
    a = p.parse_args()

    tmp = tempfile.mkdtemp(prefix="devicetrust-uart-")
    path = os.path.join(tmp, "uart.sock")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    cmd = ["qemu-system-riscv32", "-M", "virt", "-m", "128M", "-bios", "none", "-cpu", CPU,
           "-display", "none", "-monitor", "none", "-nodefaults",
           "-semihosting-config", "enable=on,target=native",
           "-chardev", f"socket,id=u0,path={path}", "-serial", "chardev:u0",
           "-drive", f"if=pflash,unit=0,format=raw,file={a.dir}/pflash0.img,readonly=on",
           "-drive", f"if=pflash,unit=1,format=raw,file={a.dir}/pflash1.img"]
    if os.environ.get("DEVICETRUST_QEMU_TRACE"):
        cmd += ["-d", "int,guest_errors", "-D", os.environ["DEVICETRUST_QEMU_TRACE"]]
    if a.icount:
        cmd[1:1] = ["-icount", "shift=0"]
    qemu = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + a.timeout
    srv.settimeout(10)
    try:
        uart, _ = srv.accept()
    except socket.timeout:
        qemu.kill()
        out("LINK: QEMU never attached its UART")
        return 125
    uart.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(uart, selectors.EVENT_READ, "uart")
    sel.register(qemu.stdout, selectors.EVENT_READ, "log")
    tcp = None
    state = "idle"  # idle -> connected -> closed
    sent = received = 0
    code = None
    from_device, from_backend = Records(), Records()
    requests = answers = 0
    turn = None  # whose application data came last: "device" or "backend"
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            qemu.kill()
            qemu.wait()
            out(f"LINK: run exceeded {a.timeout:.0f} s, device stopped")
            code = 124
            break
        for key, _ in sel.select(timeout=min(left, 0.5)):
            if key.data == "log":
                line = qemu.stdout.readline()
                if line:
                    out(line.decode(errors="replace").rstrip("\n"))
                else:
                    sel.unregister(qemu.stdout)
            elif key.data == "uart":
                data = recv_now(uart)
                if data is None:
                    continue
                if not data:
                    sel.unregister(uart)
                    continue
                if state == "idle":
                    try:
                        tcp = socket.create_connection(("127.0.0.1", a.port), timeout=5)
                        tcp.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                        tcp.setblocking(False)
                        sel.register(tcp, selectors.EVENT_READ, "tcp")
                        state = "connected"
                        out(f"LINK: connected to 127.0.0.1:{a.port} on the device's first byte")
                    except OSError as e:
                        state = "closed"
                        out(f"LINK: connection to 127.0.0.1:{a.port} failed: {e}")
                for at, kind in from_device.feed(data) if state == "connected" else []:
                    if kind == APPLICATION_DATA and turn != "device":
                        turn = "device"
                        requests += 1
                        if requests == a.cut_at_request:
                            data = data[:at]
                            code = 137
                            break
                if state == "connected":
                    try:
                        tcp.sendall(data)
                        sent += len(data)
                    except OSError:
                        pass
                if code == 137:
                    qemu.kill()
                    qemu.wait()
                    out(f"LINK: power cut as the device began request {requests} ({received} bytes received)")
                    break
            elif key.data == "tcp":
                data = recv_now(tcp)
                if data is None:
                    continue
                if not data:
                    sel.unregister(tcp)
                    tcp.close()
                    state = "closed"
                    out(f"LINK: backend closed the connection ({sent} bytes sent, {received} received)")
                    continue
                dropped = False
                for at, kind in from_backend.feed(data):
                    if kind == APPLICATION_DATA and turn != "backend":
                        turn = "backend"
                        answers = requests
                        if answers == a.drop_answer:
                            data = data[:at]
                            dropped = True
                            break
                if a.close_after and received + len(data) >= a.close_after:
                    data = data[: max(0, a.close_after - received)]
                received += len(data)
                if a.cut_after and received >= a.cut_after:
                    qemu.kill()
                    qemu.wait()
                    out(f"LINK: power cut after {received} bytes from the backend")
                    code = 137
                    break
                try:
                    uart.setblocking(True)
                    uart.sendall(data)
                    uart.setblocking(False)
                except OSError:
                    pass  # the device is gone (QEMU exited): late bytes have nowhere to go
                if dropped:
                    sel.unregister(tcp)
                    tcp.close()
                    state = "closed"
                    out(f"LINK: connection closed on purpose as the backend began its answer to request {answers}"
                        f" ({received} bytes received, none of that answer)")
                elif a.close_after and received >= a.close_after:
                    sel.unregister(tcp)
                    tcp.close()
                    state = "closed"
                    out(f"LINK: connection closed on purpose after {received} bytes from the backend")
        if code is not None:
            break  # cut on purpose
        if qemu.poll() is not None:
            # drain the log
            rest = qemu.stdout.read()
            if rest:
                for line in rest.decode(errors="replace").splitlines():
                    out(line)
            code = qemu.returncode
            break
    if state == "idle":
        out("LINK: no connection was made")
    elif state == "connected":
        out(f"LINK: device finished ({sent} bytes sent, {received} received)")
        tcp.close()
    uart.close()
    srv.close()
    try:
        os.unlink(path)
        os.rmdir(tmp)
    except OSError:
        pass
    return code


if __name__ == "__main__":
    sys.exit(main())
