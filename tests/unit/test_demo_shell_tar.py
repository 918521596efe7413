"""busybox `tar` in the simulated shell: real archives of the container's files, both ways, byte for
byte (what `kubectl cp` runs), through volumes and /proc/<pid>/root."""

from __future__ import annotations

import io
import tarfile

from helpers.demo_runtime import pod_runtime, run
from tui.demo.programs.archive import parse

BINARY = bytes(range(256)) * 40 + b"\xff\xfe not utf-8 \x80"


def _archive(files: dict[str, bytes], directories: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:  # Go's archive/tar
        for name in directories:
            info = tarfile.TarInfo(name)
            info.type = tarfile.DIRTYPE
            archive.addfile(info)
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def _members(data: bytes) -> dict[str, bytes | None]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
        found: dict[str, bytes | None] = {}
        for member in archive:
            extracted = archive.extractfile(member) if member.isreg() else None
            found[member.name] = extracted.read() if extracted is not None else None
        return found


async def test_tar_cf_writes_a_real_archive_of_a_file_to_stdout() -> None:
    runtime, pod = await pod_runtime()
    code, sink = await run(runtime, pod, "debugger", ["tar", "cf", "-", "/etc/passwd"])
    assert code == 0
    assert sink.err == "tar: removing leading '/' from member names\n"
    passwd = runtime.find("default", "slim-1", "debugger").fs.read_bytes("/etc/passwd")  # type: ignore[union-attr]
    assert _members(sink.channels[1]) == {"etc/passwd": passwd}


async def test_tar_cf_of_a_directory_recurses_and_keeps_binary_content() -> None:
    runtime, pod = await pod_runtime()
    debugger = runtime.find("default", "slim-1", "debugger")
    assert debugger is not None
    debugger.fs.write_bytes("/data/sub/blob.bin", BINARY)
    debugger.fs.write("/data/note.txt", "hello\n")
    code, sink = await run(runtime, pod, "debugger", ["sh", "-c", "cd /data && tar cf - ."])
    assert code == 0 and sink.err == ""
    # (directories are written "./", "./sub/"; tarfile reads their names without the slash)
    assert _members(sink.channels[1]) == {".": None, "./note.txt": b"hello\n", "./sub": None,
                                          "./sub/blob.bin": BINARY}


async def test_tar_xmf_from_stdin_into_a_directory_as_kubectl_cp_runs_it() -> None:
    runtime, pod = await pod_runtime()
    data = _archive({"dir/blob.bin": BINARY, "dir/a.txt": b"A\n"}, directories=("dir",))
    code, sink = await run(runtime, pod, "debugger", ["tar", "--no-same-permissions", "--no-same-owner", "-xmf",
                                                      "-", "-C", "/tmp"], stdin=data)
    assert (code, sink.out, sink.err) == (0, "", "")
    debugger = runtime.find("default", "slim-1", "debugger")
    assert debugger is not None
    assert debugger.fs.read_bytes("/tmp/dir/blob.bin") == BINARY
    code, sink = await run(runtime, pod, "debugger", ["cat", "/tmp/dir/blob.bin"])
    assert code == 0 and sink.channels[1] == BINARY  # cat gives back the very bytes
    code, sink = await run(runtime, pod, "debugger", ["tar", "tf", "-"], stdin=data)
    assert (code, sink.out) == (0, "dir/\ndir/blob.bin\ndir/a.txt\n")


async def test_tar_extracts_into_another_containers_root_through_proc() -> None:
    runtime, pod = await pod_runtime()
    data = _archive({"planted.txt": b"from the debugger\n"})
    code, sink = await run(runtime, pod, "debugger", ["tar", "xf", "-", "-C", "/proc/1/root/tmp"], stdin=data)
    assert (code, sink.err) == (0, "")
    app = runtime.find("default", "slim-1", "app")
    assert app is not None and app.fs.read("/tmp/planted.txt") == "from the debugger\n"


async def test_tar_errors_as_busybox_says_them() -> None:
    runtime, pod = await pod_runtime()
    assert (await run(runtime, pod, "debugger", ["tar", "xf", "-"], stdin=b""))[1].err == "tar: short read\n"
    code, sink = await run(runtime, pod, "debugger", ["tar", "xf", "-"], stdin=b"not a tar archive" * 40)
    assert (code, sink.err) == (1, "tar: invalid tar magic\n")
    code, sink = await run(runtime, pod, "debugger", ["tar", "cf", "-", "/nope"])
    assert code == 1 and "tar: /nope: No such file or directory\n" in sink.err
    code, sink = await run(runtime, pod, "debugger", ["tar", "xf", "-", "-C", "/nowhere"], stdin=b"x")
    assert (code, sink.err) == (1, "tar: can't change directory to '/nowhere': No such file or directory\n")
    code, sink = await run(runtime, pod, "debugger", ["tar", "-f", "-"])
    assert code == 1 and "Usage: tar c|x|t" in sink.err
    assert (await run(runtime, pod, "debugger", ["tar", "xf", "-"],
                      stdin=_archive({"../escape.txt": b"x"})))[1].err == "tar: skipping unsafe path: ../escape.txt\n"


async def test_tar_archive_files_and_gzip_round_trip_in_the_shell() -> None:
    runtime, pod = await pod_runtime()
    code, sink = await run(runtime, pod, "debugger", ["sh", "-c",
                                                      "mkdir -p /src/d && echo one > /src/d/one && "
                                                      "tar czf /tmp/a.tgz -C /src d && mkdir /dst && "
                                                      "tar xzf /tmp/a.tgz -C /dst && cat /dst/d/one"])
    assert (code, sink.out, sink.err) == (0, "one\n", "")


def test_option_parsing_follows_busybox_getopt() -> None:
    assert parse(["cf", "-", "/x"]).archive == "-"
    options = parse(["-xmf", "-", "-C", "/tmp"])
    assert (options.flags, options.archive, options.directory) == ({"x", "m"}, "-", "/tmp")
    options = parse(["-C/tmp", "--extract", "--file=a.tar", "--no-same-owner"])
    assert (options.flags, options.archive, options.directory, options.error) == ({"x"}, "a.tar", "/tmp", None)
    assert parse(["--bogus"]).error == "unrecognized option '--bogus'"


async def test_tail_from_a_byte_offset_keeps_an_archive_intact_as_kubectl_cp_retries_read_it() -> None:
    runtime, pod = await pod_runtime()
    debugger = runtime.find("default", "slim-1", "debugger")
    assert debugger is not None
    debugger.fs.write_bytes("/blob.bin", BINARY)
    whole = (await run(runtime, pod, "debugger", ["sh", "-c", "tar cf - /blob.bin | tail -c+0"]))[1].channels[1]
    assert _members(whole) == {"blob.bin": BINARY}
    rest = (await run(runtime, pod, "debugger", ["sh", "-c", "tar cf - /blob.bin | tail -c+1001"]))[1].channels[1]
    assert rest == whole[1000:]
    assert (await run(runtime, pod, "debugger", ["sh", "-c", "echo -e 'a\\nb\\nc' | tail -n +2; "
                                                             "echo abcdef | head -c 3"]))[1].out == "b\nc\nabc"
