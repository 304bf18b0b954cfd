"""A TCP proxy in front of the PostgreSQL server, so a test can take the database away from the bot
(and give it back) without stopping the server other tests use."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading


class TcpProxy:
    """Forwards 127.0.0.1:`port` to `target`. `cut()` stops listening and resets every connection, as
    when the server goes down; `restore()` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.silent = False  # accept connections but never answer (a server that hangs)
        self.port = 0
        self._lock = threading.Lock()
        self._socks: set[socket.socket] = set()
        self._listener: socket.socket | None = None

    def start(self) -> TcpProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    restore = start

    def hang(self) -> None:
        """Reset every connection, then accept new ones but never answer: a server that hangs."""
        self.cut()
        self.silent = True
        self.start()

    def resume(self) -> None:
        self.cut()
        self.silent = False
        self.start()

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            socks, self._socks = self._socks, set()
        if listener is not None:
            _close(listener)
        for s in socks:
            _close(s, reset=True)

    stop = cut

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            if self.silent:
                with self._lock:
                    self._socks.add(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    _close(client)
                    _close(upstream)
                    return
                self._socks |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._socks -= {src, dst}
            _close(src)
            _close(dst)


def _close(s: socket.socket, reset: bool = False) -> None:
    """Close `s`, waking a thread blocked reading it; with `reset`, the peer gets an RST, as from a
    server that went away, instead of an orderly end of stream."""
    with contextlib.suppress(OSError):
        if reset:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.shutdown(socket.SHUT_RD if reset else socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        s.close()
