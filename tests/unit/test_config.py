import pytest

from quotegraph.config import load_settings
from quotegraph.errors import BadSetting


def test_defaults_file_and_overrides(tmp_path):
    user = tmp_path / "my.toml"
    user.write_text("[tagger]\nbatch_size = 4\n", encoding="utf-8")
    settings = load_settings(user, ["extract.min_confidence=0.5", "tagger.quantize=false"])
    assert settings["tagger"]["batch_size"] == 4
    assert settings["extract"]["min_confidence"] == 0.5
    assert settings["tagger"]["quantize"] is False
    assert load_settings()["tagger"]["batch_size"] == 16  # defaults are not changed by a load


@pytest.mark.parametrize(
    "override, code",
    [("nope.key=1", "Q303"), ("tagger.nope=1", "Q303"), ("tagger.batch_size=big", "Q304"), ("tagger.quantize=1", "Q304"), ("novalue", "Q302")],
)
def test_bad_settings_say_what_and_where(override, code):
    with pytest.raises(BadSetting, match=code):
        load_settings(None, [override])


def test_unreadable_settings_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[tagger\n", encoding="utf-8")
    with pytest.raises(BadSetting, match="Q301"):
        load_settings(bad)
