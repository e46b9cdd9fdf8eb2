"""bot/importer.py's calibration set: every example of data/calibration/<language>.yml once, marked
with the language of its own file, whatever the order the files are read in."""
from collections import Counter
from pathlib import Path

from bot.importer import CALIBRATION_LANGUAGE, calibration_data


def write(folder: Path, language: str, *examples: str) -> None:
    lines = "\n".join(f"    - {text}" for text in examples)
    (folder / f"{language}.yml").write_text(
        f'version: "3.1"\nnlu:\n- intent: out_of_scope\n  examples: |\n{lines}\n',
        encoding="utf-8")


def test_each_calibration_example_is_read_once_with_its_own_language(tmp_path):
    write(tmp_path, "de", "wie wird das Wetter", "stell einen Wecker")
    write(tmp_path, "en", "will it rain", "set an alarm", "play some music")
    write(tmp_path, "ja", "明日の天気は")

    data = calibration_data(tmp_path)

    marked = Counter((e.get("text"), e.get(CALIBRATION_LANGUAGE)) for e in data.training_examples)
    assert marked == Counter({
        ("wie wird das Wetter", "de"): 1, ("stell einen Wecker", "de"): 1,
        ("will it rain", "en"): 1, ("set an alarm", "en"): 1, ("play some music", "en"): 1,
        ("明日の天気は", "ja"): 1,
    })


def test_the_projects_calibration_files_each_give_their_own_examples():
    root = Path(__file__).resolve().parents[2] / "data" / "calibration"
    data = calibration_data(root)
    counts = Counter(e.get(CALIBRATION_LANGUAGE) for e in data.training_examples)
    for path in root.glob("*.yml"):
        listed = sum(1 for line in path.read_text(encoding="utf-8").splitlines()
                     if line.startswith("    - "))
        assert counts[path.stem] == listed
