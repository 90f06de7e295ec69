"""``openai`` text backend: any OpenAI-compatible chat server by base URL.

Works with Ollama (``http://localhost:11434``), vLLM (``http://host:8000``),
llama.cpp's ``llama-server`` and hosted OpenAI-compatible APIs. The base URL may
be given with or without the trailing ``/v1``. Requests go to
``{base}/v1/chat/completions`` with httpx; connection errors, timeouts and 5xx
answers are retried a bounded number of times with exponential backoff, 4xx
answers fail at once with the server's own message.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from studio_kit.backends.base import Availability
from studio_kit.backends.text.base import TextBackend
from studio_kit.exceptions import BackendError, BackendUnavailableError

NO_SERVER = "no server configured (set STUDIO_OPENAI_BASE_URL, e.g. http://localhost:11434 for Ollama)"
#: statuses worth another try: the server is overloaded or restarting
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def api_root(base_url: str) -> str:
    """``http://h:8000``, ``http://h:8000/`` and ``http://h:8000/v1`` → ``http://h:8000/v1``."""
    base = base_url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise BackendError(f"OpenAI-compatible base URL {base_url!r} must start with http:// or https://.",
                           hint="Set STUDIO_OPENAI_BASE_URL=http://localhost:11434 (Ollama) or your server's URL.")
    return base if base.endswith("/v1") else base + "/v1"


class OpenAITextBackend(TextBackend):
    """Chat completions from an OpenAI-compatible HTTP server."""

    name = "openai"
    capabilities = frozenset({"complete"})

    def __init__(self, base_url: str | None = None, *, model: str = "local", api_key: str | None = None,
                 timeout: float = 120.0, retries: int = 3, backoff: float = 0.5, **options: Any):
        """``timeout`` in seconds per request; ``retries`` extra tries after the first; ``backoff``
        seconds before the first retry, doubling each time (capped at 8 s)."""
        super().__init__(None, **options)
        if not base_url:
            raise BackendUnavailableError(f"Text backend 'openai': {NO_SERVER}.",
                                          hint="Start a server (`ollama serve`, `vllm serve MODEL`, "
                                          "`llama-server -m model.gguf`) and set STUDIO_OPENAI_BASE_URL.")
        self.base_url = api_root(base_url)
        self.model = model
        self.api_key = api_key
        self.timeout = float(timeout)
        self.retries = max(0, int(retries))
        self.backoff = max(0.0, float(backoff))
        self.last_usage: dict[str, int] = {"prompt_tokens": 0, "completion_tokens": 0}

    @classmethod
    def availability(cls, settings: Any = None) -> Availability:
        url = getattr(settings, "openai_base_url", None) if settings is not None else None
        if not url:
            return Availability(False, NO_SERVER)
        return Availability(True, f"server {url} model {getattr(settings, 'openai_model', 'local')}")

    @classmethod
    def from_settings(cls, settings: Any, **options: Any) -> OpenAITextBackend:
        options.setdefault("model", settings.openai_model)
        options.setdefault("api_key", settings.openai_api_key)
        return cls(settings.openai_base_url, **options)

    @classmethod
    def from_pretrained(cls, path: str | Path, **options: Any) -> OpenAITextBackend:
        """For this backend the 'model location' is the server's base URL."""
        return cls(str(path), **options)

    @property
    def model_id(self) -> str | None:
        return f"{self.model}@{self.base_url}"

    # -- HTTP ----------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def _request(self, method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        """One API call with bounded retries; returns the decoded JSON object."""
        import httpx

        url = self.base_url + path
        last_problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(8.0, self.backoff * 2 ** (attempt - 1)))
            try:
                with httpx.Client(timeout=self.timeout) as client:
                    response = client.request(method, url, json=payload, headers=self._headers())
            except httpx.TimeoutException:
                last_problem = f"no answer within {self.timeout:g} s"
                continue
            except httpx.TransportError as exc:
                last_problem = f"cannot connect ({type(exc).__name__}: {exc})"
                continue
            if response.status_code in RETRY_STATUSES:
                last_problem = f"HTTP {response.status_code}: {_server_message(response)}"
                continue
            if response.status_code >= 400:
                raise BackendError(
                    f"OpenAI-compatible server {self.base_url} refused {method} {path}: "
                    f"HTTP {response.status_code}: {_server_message(response)}",
                    hint=_hint_for(response.status_code, self.model))
            try:
                data = response.json()
            except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
                raise BackendError(
                    f"OpenAI-compatible server {self.base_url} answered {path} with invalid JSON: "
                    f"{response.text[:200]!r}",
                    hint="Check that the base URL points at an OpenAI-compatible API, not a web page.") from exc
            if not isinstance(data, dict):
                raise BackendError(f"OpenAI-compatible server {self.base_url} answered {path} with "
                                   f"{type(data).__name__}, expected a JSON object.")
            return data
        tries = self.retries + 1
        if last_problem.startswith("cannot connect"):
            raise BackendUnavailableError(
                f"OpenAI-compatible server {self.base_url} is unreachable after {tries} tries: {last_problem}",
                hint="Start the server (`ollama serve`, `vllm serve MODEL`, `llama-server ...`) or fix "
                "STUDIO_OPENAI_BASE_URL.")
        raise BackendError(f"OpenAI-compatible server {self.base_url} failed {method} {path} after {tries} "
                           f"tries: {last_problem}",
                           hint="The server is overloaded or crashing; check its log, or raise the timeout.")

    # -- API -----------------------------------------------------------------
    def list_models(self) -> list[str]:
        """Model names the server offers (GET /v1/models)."""
        data = self._request("GET", "/models")
        return [str(m.get("id")) for m in data.get("data", []) if isinstance(m, dict)]

    def complete(self, prompt: str, *, system: str | None = None, max_tokens: int = 256,
                 temperature: float = 0.8, seed: int | None = None, stop: list[str] | None = None) -> str:
        """The assistant's answer to ``prompt`` (one chat turn); seed and stop are sent to the server
        and stop strings are also applied here, for servers that ignore them."""
        messages = ([{"role": "system", "content": system}] if system else []) + \
            [{"role": "user", "content": prompt}]
        payload: dict[str, Any] = {"model": self.model, "messages": messages, "max_tokens": int(max_tokens),
                                   "temperature": float(temperature), "stream": False}
        if seed is not None:
            payload["seed"] = int(seed)
        stops = [s for s in (stop or []) if s]
        if stops:
            payload["stop"] = stops[:4]  # the OpenAI API accepts at most four
        data = self._request("POST", "/chat/completions", payload)
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise BackendError(f"OpenAI-compatible server {self.base_url} answered without "
                               f"choices[0].message.content: {json.dumps(data)[:200]}",
                               hint="Is this a chat-completions endpoint?") from exc
        usage = data.get("usage") or {}
        self.last_usage = {"prompt_tokens": int(usage.get("prompt_tokens") or 0),
                           "completion_tokens": int(usage.get("completion_tokens") or 0)}
        text = str(content or "")
        for s in stops:
            cut = text.find(s)
            if cut >= 0:
                text = text[:cut]
        return text.strip()


def _server_message(response: Any) -> str:
    """The error text a server put in its body (OpenAI style {"error": {"message"}} or raw)."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip() or response.reason_phrase
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
        if isinstance(err, str):
            return err
        if body.get("detail"):
            return str(body["detail"])
    return json.dumps(body)[:200]


def _hint_for(status: int, model: str) -> str:
    if status in (401, 403):
        return "Set STUDIO_OPENAI_API_KEY to a key the server accepts."
    if status == 404:
        return (f"Check the model name (STUDIO_OPENAI_MODEL={model!r}; the server lists its models at "
                "/v1/models) and the base URL.")
    return "Check the request parameters (max_tokens, temperature) against the server's limits."
