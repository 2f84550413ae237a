#!/usr/bin/env python3
"""Local stand-in for the SMS provider, for the e2e test and the demo (never for production).

Speaks the one call Alertmanager's SNS receiver makes (POST Action=Publish, form-encoded, answered
with an SNS PublishResponse) and accepts any other POST (the dead man's switch webhook). Every
request becomes one JSON line in OUT:
  {"kind": "sms", "phone": "+1555...", "message": "CRITICAL m2: ...", "attributes": {...}}
  {"kind": "webhook", "path": "/ping", "body": "..."}
Prints "listening port=N" once ready (--listen 127.0.0.1:0 picks a free port).
"""
import argparse
import http.server
import json
import sys
import threading
import urllib.parse
import uuid

PUBLISH_RESPONSE = """<?xml version="1.0"?>
<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <PublishResult><MessageId>{id}</MessageId></PublishResult>
  <ResponseMetadata><RequestId>{id}</RequestId></ResponseMetadata>
</PublishResponse>
"""


def sns_attributes(form):
    # MessageAttributes.entry.N.Name / .Value.StringValue
    out = {}
    for key, values in form.items():
        if key.startswith("MessageAttributes.entry.") and key.endswith(".Name"):
            prefix = key[: -len(".Name")]
            out[values[0]] = form.get(prefix + ".Value.StringValue", [""])[0]
    return out


def make_handler(out_path, lock):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8", "replace")
            form = urllib.parse.parse_qs(body)
            if form.get("Action") == ["Publish"]:
                record = {"kind": "sms", "phone": form.get("PhoneNumber", [""])[0],
                          "message": form.get("Message", [""])[0], "attributes": sns_attributes(form)}
                reply, ctype = PUBLISH_RESPONSE.format(id=uuid.uuid4()), "text/xml"
            else:
                record = {"kind": "webhook", "path": self.path, "body": body,
                          "authorization": self.headers.get("Authorization", "")}
                reply, ctype = "{}", "application/json"
            with lock, open(out_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
            data = reply.encode()
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--listen", default="127.0.0.1:0", help="HOST:PORT (loopback)")
    ap.add_argument("--out", required=True, help="JSON-lines file to append to")
    args = ap.parse_args()
    host, _, port = args.listen.rpartition(":")
    server = http.server.ThreadingHTTPServer((host or "127.0.0.1", int(port)), make_handler(args.out, threading.Lock()))
    print(f"listening port={server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
