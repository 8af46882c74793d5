#!/usr/bin/env python3
"""A stand-in for the device listener, for `device.sh bench` and the hostile-server scenarios of `ota.sh`:
mutual TLS 1.2 (ECDHE-ECDSA-AES128-GCM-SHA256, client certificate required under --ca), OpenSSL's server
session cache (session-id resumption, as the backend's JSSE listener does), and the answers a device needs:
GET /api/v1/device/session -> "AUTH OK <id>", POST /api/v1/devices/<id>/telemetry -> 201.
With --image it also offers that signed image as an update (docs/ota.md, "Device endpoints") and serves its
chunks, wrong on purpose with --fault: corrupt (one payload byte flipped in the chunks, the offer intact),
bad-signature (a signature byte flipped in the offer), oversize (4 bytes more than asked, Content-Length to
match), endless (a 64 KiB body for every chunk), wrong-range (Content-Range 16 bytes off). Every request is
appended to --journal as a line "METHOD PATH" (reports with their body). Loopback only; runs until killed.
"""
import argparse
import http.server
import os
import re
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import formats  # noqa: E402  (the byte formats, checked against the C headers)

UPDATE_ID = bytes(range(0xA0, 0xB0))
UPDATE_HEX = UPDATE_ID.hex()
CHUNK = 4096


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def journal(self, line):
        if self.server.journal:
            with open(self.server.journal, "a") as f:
                f.write(line + "\n")

    def raw(self, status, headers, body):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.journal(f"GET {self.path}")
        image, fault = self.server.image, self.server.fault
        if self.path == "/api/v1/device/session":
            self.answer(200, f"AUTH OK {self.server.device_id}\n")
        elif self.path == "/api/v1/device/update" and image is not None:
            offer = bytearray(formats.offer_bytes(UPDATE_ID, CHUNK, bytes(image)))
            if fault == "bad-signature":
                offer[formats.OFFER_OFF_SIGBLOCK + 100] ^= 0x01
            self.raw(200, [("Content-Type", "application/vnd.devicetrust.offer")], bytes(offer))
        elif self.path == f"/api/v1/device/update/{UPDATE_HEX}/image" and image is not None:
            m = re.fullmatch(r"bytes=(\d+)-(\d+)", self.headers.get("Range", ""))
            first, last = (int(m.group(1)), int(m.group(2))) if m else (0, -1)
            if not m or last < first or last >= len(image):
                self.answer(416, "range\n")
                return
            body = bytes(image[first:last + 1])
            cr_first, cr_last = first, last
            if fault == "corrupt":
                body = bytes(b ^ 0x55 if first + i == len(image) // 2 else b for i, b in enumerate(body))
            elif fault == "oversize":
                body += b"\0" * 4
            elif fault == "endless":
                body = b"\xa5" * 65536
            elif fault == "wrong-range":
                cr_first, cr_last = first + 16, last + 16
            self.raw(206, [("Content-Type", "application/octet-stream"),
                           ("Content-Range", f"bytes {cr_first}-{cr_last}/{len(image)}")], body)
        else:
            self.answer(404, "not found\n")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.journal(f"POST {self.path} {body.decode(errors='replace')}")
        if self.path.endswith("/telemetry"):
            self.answer(201, "{}\n")
        elif self.path == f"/api/v1/device/update/{UPDATE_HEX}/status":
            self.raw(204, [], b"")
        else:
            self.answer(404, "{}\n")

    def log_message(self, fmt, *args):
        pass


class Server(http.server.HTTPServer):
    def shutdown_request(self, request):
        # OpenSSL drops a session from its cache when the connection ends without close_notify.
        try:
            request.unwrap()
        except (OSError, ValueError):
            pass
        super().shutdown_request(request)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--device-id", default="bench-device")
    p.add_argument("--image", help="a signed app image to offer as an update")
    p.add_argument("--fault", default="none",
                   choices=["none", "corrupt", "bad-signature", "oversize", "endless", "wrong-range"])
    p.add_argument("--journal", help="append every request to this file")
    a = p.parse_args()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers("ECDHE-ECDSA-AES128-GCM-SHA256")
    ctx.options |= ssl.OP_NO_TICKET  # session ids, the way the device resumes with the backend
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(a.ca)
    ctx.load_cert_chain(a.cert, a.key)
    server = Server(("127.0.0.1", a.port), Handler)
    server.device_id, server.fault, server.journal = a.device_id, a.fault, a.journal
    server.image = None
    if a.image:
        with open(a.image, "rb") as f:
            server.image = f.read()
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
