"""FilesMethods: the files v2 imitations (getUploadURLExternal, the upload POST, completeUploadExternal),
mixed into WebApi."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from sandbox.checks import load_json
from sandbox.errors import SlackError
from sandbox.state import BOT_ID, BOT_USER_ID, Call, Message

if TYPE_CHECKING:
    from sandbox.server import SandboxServer
    from sandbox.state import SandboxState


class FilesMethods:
    """files_upload_v2: get an upload URL, POST the bytes there, complete (uses WebApi's fault check)."""

    s: SandboxState
    server: SandboxServer

    def files_getUploadURLExternal(self, args: dict) -> dict:  # noqa: N802
        filename = (args.get("filename") or "").strip()
        try:
            length = int(args.get("length") or "")
        except ValueError:
            raise SlackError("invalid_arguments") from None
        if not filename or length <= 0:
            raise SlackError("invalid_arguments")
        file_id = self.s.next_id("F")
        self.s.files[file_id] = {
            "id": file_id,
            "name": filename,
            "title": filename,
            "length": length,
            "alt_txt": args.get("alt_txt"),
            "content": None,
            "completed": False,
        }
        return {"upload_url": f"{self.server.base_url}/upload/v1/{file_id}", "file_id": file_id}

    def files_completeUploadExternal(self, args: dict) -> dict:  # noqa: N802
        items, errs = load_json(args.get("files"), "files")
        if errs or not isinstance(items, list) or not items:
            raise SlackError("invalid_arguments")
        stored = []
        for item in items:
            f = self.s.files.get(str(item.get("id")))
            if f is None or f["content"] is None or f["completed"]:
                raise SlackError("file_not_found" if f is None else "invalid_file")
            stored.append((f, item))
        target = args.get("channel_id") or (args.get("channels") or "").split(",")[0] or None
        channel = self.s.resolve_channel(target) if target else None
        if target and channel is None:
            raise SlackError("channel_not_found")
        if channel:
            self._check_member(channel)  # sharing into a channel needs membership (chat:write.public no help)
        out = []
        for f, item in stored:
            f["completed"] = True
            f["title"] = item.get("title") or f["name"]
            out.append(self._file_object(f))
        if channel:
            self.s.messages.append(
                Message(
                    channel=channel,
                    ts=self.s.next_ts(),
                    text=args.get("initial_comment") or "",
                    blocks=[],
                    user=BOT_USER_ID,
                    bot_id=BOT_ID,
                    thread_ts=args.get("thread_ts") or None,
                    files=out,
                    source="file",
                )
            )
        return {"files": out}

    def _file_object(self, f: dict) -> dict:
        ext = f["name"].rsplit(".", 1)[-1].lower() if "." in f["name"] else ""
        mimetype = {"png": "image/png", "csv": "text/csv", "txt": "text/plain"}.get(
            ext, "application/octet-stream"
        )
        return {
            "id": f["id"],
            "name": f["name"],
            "title": f["title"],
            "mimetype": mimetype,
            "filetype": ext,
            "size": len(f["content"] or b""),
            "url_private": f"{self.server.base_url}/files/{f['id']}",
        }

    def upload_bytes(self, file_id: str, data: bytes) -> tuple[int, str]:
        """The raw POST to an upload_url (no token, no JSON envelope): 200 "OK" or an HTTP error."""
        with self.s.lock:
            try:
                self._check_fault("files.upload.v1")
            except SlackError as e:
                status = e.status if e.status != 200 else 500
                self.s.calls.append(
                    Call("files.upload.v1", {"file_id": file_id}, False, e.error, status, time.time())
                )
                return status, e.error
            f = self.s.files.get(file_id)
            if f is None or f["completed"]:
                return 404, "not_found"
            f["content"] = data
            self.s.calls.append(
                Call("files.upload.v1", {"file_id": file_id, "size": len(data)}, True, None, 200, time.time())
            )
        return 200, "OK - " + str(len(data))
