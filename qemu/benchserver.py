#!/usr/bin/env python3
"""A stand-in for the device listener, for `device.sh bench`: mutual TLS 1.2 (ECDHE-ECDSA-AES128-GCM-SHA256,
client certificate required under --ca), OpenSSL's server session cache (session-id resumption, as the
backend's JSSE listener does), and the two answers a device needs: GET /api/v1/device/session -> "AUTH OK",
POST /api/v1/devices/<id>/telemetry -> 201. Loopback only; runs until killed.
"""
import argparse
import http.server
import ssl


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/api/v1/device/session":
            self.answer(200, "AUTH OK bench-device\n")
        else:
            self.answer(404, "not found\n")

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.answer(201 if self.path.endswith("/telemetry") else 404, "{}\n")

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
    a = p.parse_args()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers("ECDHE-ECDSA-AES128-GCM-SHA256")
    ctx.options |= ssl.OP_NO_TICKET  # session ids, the way the device resumes with the backend
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(a.ca)
    ctx.load_cert_chain(a.cert, a.key)
    server = Server(("127.0.0.1", a.port), Handler)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
