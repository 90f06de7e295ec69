"""Backend registry: entry-point discovery, lazy loading, clear errors, one call boundary."""
import pytest

from studio_kit import registry
from studio_kit.backends.base import Availability, Backend
from studio_kit.exceptions import BackendNotFoundError, BackendUnavailableError


def test_entry_points_declare_the_offline_defaults_and_model_backends():
    names = registry.available_names()
    for key in ("text.procedural", "text.transformers", "text.openai", "image.previz", "image.diffusers"):
        assert key in names


def test_unknown_backend_lists_the_installed_ones():
    with pytest.raises(BackendNotFoundError) as err:
        registry.get_backend_class("image", "midjourney")
    assert "previz" in err.value.message and "diffusers" in err.value.message


def test_from_pretrained_on_missing_folder_says_what_is_missing(tmp_path):
    with pytest.raises(BackendUnavailableError) as err:
        Backend.from_pretrained(tmp_path / "nope")
    assert "does not exist" in err.value.message and err.value.hint


class EchoBackend(Backend):
    name, modality, unit = "echo", "text", "chars"
    capabilities = frozenset({"complete"})

    def complete(self, prompt):
        if prompt == "boom":
            raise ValueError("bad prompt")
        return prompt.upper()


def test_invoke_records_usage_and_provenance_once_per_call():
    registry.register("text.echo", EchoBackend)
    seen = []
    backend = registry.load_backend("text", "echo")
    with registry.recording(seen.append):
        out = registry.invoke(backend, "complete", "hello", seed=3, params={"k": 1}, inputs=["hello"],
                              units=lambda r: len(r))
        with pytest.raises(ValueError):
            registry.invoke(backend, "complete", "boom")
    assert out == "HELLO"
    assert [r.ok for r in seen] == [True, False]
    first = seen[0]
    assert first.units == 5 and first.unit == "chars" and first.seconds >= 0
    prov = first.provenance()
    assert prov["backend"] == "text.echo" and prov["seed"] == 3 and prov["input_hashes"][0].startswith("sha256:")
    assert "ValueError" in seen[1].error
    assert registry.last_call() is seen[1]


def test_list_backends_reports_availability():
    registry.register("text.echo", EchoBackend)
    infos = {i.key: i for i in registry.list_backends()}
    assert infos["text.echo"].available
    assert isinstance(EchoBackend.availability(), Availability)
