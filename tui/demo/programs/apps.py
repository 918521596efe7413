"""Long-running application processes of the demo images (python http.server, node, nginx,
/pause): they listen on the pod's network namespace and write plausible logs."""

from __future__ import annotations

import asyncio
import html
import time
import urllib.parse

from tui.demo.container.processes import Listener
from tui.demo.programs.applets import Ctx


async def forever() -> int:
    await asyncio.Event().wait()
    return 0


def _http_date() -> str:
    return time.strftime("%d/%b/%Y %H:%M:%S", time.gmtime())


async def python(ctx: Ctx) -> int:
    """`python -m http.server [PORT]` serves its working directory; any other script idles."""
    args = ctx.argv[1:]
    if len(args) >= 2 and args[0] == "-m" and args[1] == "http.server":
        port = int(args[2]) if len(args) > 2 and args[2].isdigit() else 8000
        return await http_server(ctx, port)
    if not ctx.is_main:
        await ctx.err("Python 3.9.2 (simulated by the Ephemera demo cluster: no interpreter here)\n")
        return 1
    return await forever()


async def http_server(ctx: Ctx, port: int) -> int:
    container = ctx.container
    root = ctx.cwd

    async def handle(method: str, path: str) -> tuple[int, str, bytes]:
        target = urllib.parse.unquote(path.split("?", 1)[0])
        full = (root.rstrip("/") + target) if target != "/" else root
        fs = container.fs
        if fs.is_dir(full):
            names = fs.listdir(full)
            if "proc" not in names and full == "/":
                names = sorted([*names, "proc"])
            shown = target if target.endswith("/") else target + "/"
            items = "".join(
                f'<li><a href="{urllib.parse.quote(n)}{"/" if fs.is_dir(full.rstrip("/") + "/" + n) or n == "proc" else ""}">'
                f'{html.escape(n)}{"/" if fs.is_dir(full.rstrip("/") + "/" + n) or n == "proc" else ""}</a></li>\n'
                for n in names)
            body = (
                '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n'
                "<html>\n<head>\n"
                '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
                f"<title>Directory listing for {html.escape(shown)}</title>\n</head>\n<body>\n"
                f"<h1>Directory listing for {html.escape(shown)}</h1>\n<hr>\n<ul>\n{items}</ul>\n<hr>\n"
                "</body>\n</html>\n").encode()
            code, reason = 200, "OK"
        elif fs.is_file(full):
            body = fs.read_bytes(full) or b""
            code, reason = 200, "OK"
        else:
            body = b"<html><body><h1>Error response</h1><p>Error code: 404</p></body></html>\n"
            code, reason = 404, "File not found"
        await ctx.err(f'127.0.0.1 - - [{_http_date()}] "{method} {path} HTTP/1.1" {code} -\n')
        return code, reason, body

    container.sandbox.listeners[port] = Listener(port, container, handle)
    try:
        return await forever()
    finally:
        listener = container.sandbox.listeners.get(port)
        if listener is not None and listener.container is container:
            del container.sandbox.listeners[port]


_NGINX_404 = (b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1>"
              b"</center>\r\n<hr><center>nginx/1.27.2</center>\r\n</body>\r\n</html>\r\n")  # nginx's own page


async def nginx(ctx: Ctx) -> int:
    container = ctx.container
    for line in ("/docker-entrypoint.sh: Configuration complete; ready for start up",
                 "nginx/1.27.2", "start worker processes"):
        await ctx.out(f"{time.strftime('%Y/%m/%d %H:%M:%S', time.gmtime())} [notice] 1#1: {line}\n")
    page = container.fs.read_bytes("/usr/share/nginx/html/index.html") or b""

    async def handle(method: str, path: str) -> tuple[int, str, bytes]:
        found = path in ("/", "/index.html")
        body = page if found else _NGINX_404
        # nginx's combined format: $time_local is 03/Dec/2026:11:36:30 +0000
        await ctx.out(f'127.0.0.1 - - [{time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime())}] '
                      f'"{method} {path} HTTP/1.1" {200 if found else 404} {len(body)} "-" "Wget" "-"\n')
        return (200, "OK", body) if found else (404, "Not Found", body)

    container.sandbox.listeners[80] = Listener(80, container, handle)
    return await forever()


async def node(ctx: Ctx) -> int:
    if not ctx.is_main:
        await ctx.err("node: simulated by the Ephemera demo cluster: no JavaScript engine here\n")
        return 1
    return await forever()


async def idle(ctx: Ctx) -> int:
    """Any other binary: as a main process it serves its declared ports with a one-line page and
    otherwise runs quietly; exec'd, it says it is simulated."""
    if ctx.is_main:
        container = ctx.container
        name = ctx.argv[0].rsplit("/", 1)[-1]
        for port_spec in container.spec.get("ports") or []:
            port = port_spec.get("containerPort")
            if isinstance(port, int) and port not in container.sandbox.listeners:
                page = f"{name} (simulated by the Ephemera demo cluster) on port {port}\n".encode()

                async def handle(method: str, path: str, page: bytes = page) -> tuple[int, str, bytes]:
                    return 200, "OK", page

                container.sandbox.listeners[port] = Listener(port, container, handle)
        return await forever()
    await ctx.err(f"{ctx.argv[0]}: cannot run in the Ephemera demo cluster (simulated binary)\n")
    return 126


APPS = {
    "python": python, "python3": python, "python3.9": python, "python3.12": python,
    "nginx": nginx, "node": node, "pause": idle,
}
