"""A small HTTP server on 127.0.0.1 for the download tests of minitf.datasets."""
import glob
import http.server
import os
import socket
import threading


class Server:
    """Serves ``files`` (name -> bytes) over HTTP; ``drop`` names files cut off halfway.

    A request is answered by the last path segment of its URL, so ``url + name`` works
    for any ``name`` in ``files``; every request's name is appended to ``requests``.
    """

    def __init__(self, files, prefix="/"):
        self.files = dict(files)
        self.drop = set()
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                name = self.path.rsplit("/", 1)[-1]
                server.requests.append(name)
                if name not in server.files:
                    self.send_error(404)
                    return
                body = server.files[name]
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if name in server.drop:  # the connection dies mid-file
                    self.wfile.write(body[:len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d%s" % (self.httpd.server_address[1], prefix)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)


def leftovers(directory):
    """Temporary download files left in ``directory``."""
    return glob.glob(os.path.join(str(directory), ".*part*"))
