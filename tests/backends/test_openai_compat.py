"""The openai text backend against a real HTTP server on 127.0.0.1 (stdlib http.server, no mocking)."""
from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from studio_kit.backends.text.openai_compat import NO_SERVER, OpenAITextBackend, api_root
from studio_kit.exceptions import BackendError, BackendUnavailableError
from studio_kit.registry import invoke, last_call, load_backend


class ChatServer:
    """A deterministic OpenAI-compatible server: the answer echoes the request so tests can check it.

    ``fail_next`` answers that many requests with HTTP 500 first; ``mode`` switches to bad answers
    ("bad_json", "no_choices", "slow", "reject").
    """

    def __init__(self):
        self.requests: list[dict] = []
        self.fail_next = 0
        self.mode = "ok"
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def _send(self, status: int, body: bytes | str, content_type="application/json"):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                server.requests.append({"path": self.path, "method": "GET"})
                if self.path == "/v1/models":
                    self._send(200, json.dumps({"object": "list", "data": [{"id": "tiny-screenwriter"},
                                                                          {"id": "local"}]}))
                else:
                    self._send(404, json.dumps({"error": {"message": f"no route {self.path}"}}))

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append({"path": self.path, "method": "POST", "body": body,
                                        "auth": self.headers.get("Authorization")})
                if server.fail_next:
                    server.fail_next -= 1
                    return self._send(500, json.dumps({"error": {"message": "model is loading"}}))
                if self.path != "/v1/chat/completions":
                    return self._send(404, json.dumps({"error": {"message": f"no route {self.path}"}}))
                if server.mode == "reject" or body.get("model") not in ("local", "tiny-screenwriter"):
                    return self._send(404, json.dumps({"error": {"message": f"model '{body.get('model')}' "
                                                                 "not found"}}))
                if server.mode == "bad_json":
                    return self._send(200, "<html>Welcome to nginx</html>", "text/html")
                if server.mode == "no_choices":
                    return self._send(200, json.dumps({"id": "x", "choices": []}))
                if server.mode == "slow":
                    time.sleep(1.0)
                user = body["messages"][-1]["content"]
                system = body["messages"][0]["content"] if len(body["messages"]) > 1 else ""
                answer = f"[{system}] seed={body.get('seed')} {user.upper()} CUT TO: MORE"
                self._send(200, json.dumps({
                    "id": "chatcmpl-1", "object": "chat.completion", "model": body["model"],
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": answer}}],
                    "usage": {"prompt_tokens": len(user.split()), "completion_tokens": len(answer.split())}}))

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = ChatServer()
    yield srv
    srv.close()


def writer(url, **kw):
    kw.setdefault("backoff", 0.01)
    kw.setdefault("timeout", 5)
    return OpenAITextBackend(url, **kw)


def test_chat_completion_sends_messages_seed_and_stop(server):
    backend = writer(server.url, api_key="sk-test")
    text = backend.complete("a diner at night", system="You write screenplays.", max_tokens=50,
                            temperature=0.2, seed=7, stop=["CUT TO:"])
    assert text == "[You write screenplays.] seed=7 A DINER AT NIGHT"
    sent = server.requests[-1]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer sk-test"
    assert sent["body"]["messages"] == [{"role": "system", "content": "You write screenplays."},
                                        {"role": "user", "content": "a diner at night"}]
    assert sent["body"]["seed"] == 7 and sent["body"]["stop"] == ["CUT TO:"]
    assert sent["body"]["max_tokens"] == 50 and sent["body"]["temperature"] == 0.2
    # this server ignores "stop" (as some do): the backend cut the answer itself
    assert backend.last_usage == {"prompt_tokens": 4, "completion_tokens": 11}


@pytest.mark.parametrize("suffix", ["", "/", "/v1", "/v1/"])
def test_base_url_with_or_without_v1(server, suffix):
    backend = writer(server.url + suffix)
    assert backend.base_url == server.url + "/v1"
    assert backend.list_models() == ["tiny-screenwriter", "local"]
    assert "HELLO" in backend.complete("hello")


def test_a_500_is_retried_once_and_then_succeeds(server):
    server.fail_next = 1
    assert "RETRY" in writer(server.url).complete("retry")
    assert len(server.requests) == 2


def test_persistent_5xx_stops_after_bounded_retries(server):
    server.fail_next = 100
    with pytest.raises(BackendError, match="after 3 tries: HTTP 500: model is loading"):
        writer(server.url, retries=2).complete("x")
    assert len(server.requests) == 3


def test_4xx_fails_at_once_with_the_servers_message(server):
    with pytest.raises(BackendError) as err:
        writer(server.url, model="gpt-9").complete("x")
    assert "HTTP 404" in err.value.message and "model 'gpt-9' not found" in err.value.message
    assert "STUDIO_OPENAI_MODEL" in err.value.hint
    assert len(server.requests) == 1


@pytest.mark.parametrize("mode,expected", [("bad_json", "invalid JSON"),
                                           ("no_choices", "without choices")])
def test_malformed_answers_are_clear_errors(server, mode, expected):
    server.mode = mode
    with pytest.raises(BackendError, match=expected):
        writer(server.url).complete("x")


def test_timeouts_are_retried_then_reported(server):
    server.mode = "slow"
    t0 = time.perf_counter()
    with pytest.raises(BackendError, match="no answer within 0.2 s"):
        writer(server.url, timeout=0.2, retries=1).complete("x")
    assert time.perf_counter() - t0 < 3
    assert len(server.requests) == 2


def test_unreachable_server_is_unavailable():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(BackendUnavailableError) as err:
        writer(f"http://127.0.0.1:{port}", retries=1).complete("x")
    assert "unreachable after 2 tries" in err.value.message and "ollama serve" in err.value.hint


def test_bad_url_and_no_url_are_clear():
    with pytest.raises(BackendError, match="must start with http"):
        api_root("localhost:11434")
    with pytest.raises(BackendUnavailableError, match="STUDIO_OPENAI_BASE_URL"):
        OpenAITextBackend(None)


def test_settings_pick_server_model_and_key(server, studio_home, monkeypatch):
    from studio_kit.config import get_settings, reset_settings

    monkeypatch.delenv("STUDIO_OPENAI_BASE_URL", raising=False)
    reset_settings()
    assert OpenAITextBackend.availability(get_settings()).reason == NO_SERVER
    monkeypatch.setenv("STUDIO_OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("STUDIO_OPENAI_MODEL", "tiny-screenwriter")
    monkeypatch.setenv("STUDIO_OPENAI_API_KEY", "sk-env")
    reset_settings()
    assert OpenAITextBackend.availability(get_settings()).ok
    backend = load_backend("text", "openai")
    backend.backoff = 0.01
    assert "FADE IN" in backend.complete("fade in")
    assert server.requests[-1]["body"]["model"] == "tiny-screenwriter"
    assert server.requests[-1]["auth"] == "Bearer sk-env"


def test_invoke_records_the_server_model_and_seed(server):
    backend = writer(server.url)
    text = invoke(backend, "complete", "INT. DINER", seed=5, params={"max_tokens": 20},
                  units=lambda _: backend.last_usage["completion_tokens"])
    assert "INT. DINER CUT TO:" in text
    record = last_call()
    assert record.ok and record.backend == "openai" and record.seed == 5
    assert record.model == f"local@{server.url}/v1" and record.units == 7
