"""`quizbot console` in Chinese: `--lang`, QUIZBOT_LANG and the terminal's locale, in a
real subprocess."""

from __future__ import annotations

from pathlib import Path

from tests.console.test_console import THREE_QUESTIONS, play, quizbot


def test_console_lang_zh_plays_in_chinese(tmp_path: Path) -> None:
    run = quizbot(tmp_path / "quiz.db", THREE_QUESTIONS, "console", "--user", "ann", "--lang", "zh")

    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "你好，ann！直接输入答案" in out
    assert "第 1 题 · " in out and " · 新题" in out
    assert "得分：答到 2/2 个要点（100%）" in out
    assert "参考答案：" in out
    assert "这题记得怎么样？[1] 重来  [2] 困难  [3] 良好*  [4] 简单（回车 = 良好）" in out
    assert "已评为「简单」：" in out
    assert "✓ 答对了！" in out
    assert "下次见！🔥 连续打卡 1 天" in out
    for english in ("Model answer", "Rated", "Score:", "🔥 streak", "Your answer", "Bye!"):
        assert english not in out
    assert "Why do production teams report latency as percentiles?" in out  # deck text stays


def test_console_follows_quizbot_lang_and_then_the_locale(tmp_path: Path) -> None:
    by_setting = quizbot(tmp_path / "a.db", "/quit\n", "console", env={"QUIZBOT_LANG": "zh"})
    by_locale = quizbot(tmp_path / "b.db", "/quit\n", "console", env={"LANG": "zh_CN.UTF-8"})
    flag_wins = quizbot(
        tmp_path / "c.db", "/quit\n", "console", "--lang", "en", env={"QUIZBOT_LANG": "zh"}
    )

    assert "你的答案（空一行发送）：" in by_setting.stdout
    assert "你的答案（空一行发送）：" in by_locale.stdout
    assert "Your answer (empty line to send): " in flag_wins.stdout
    assert "你的答案" not in flag_wins.stdout


def test_console_speaks_english_in_an_english_or_unknown_locale(tmp_path: Path) -> None:
    run = quizbot(tmp_path / "quiz.db", "/quit\n", "console", env={"LANG": "fr_FR.UTF-8"})

    assert "Your answer (empty line to send): " in run.stdout
    assert play(tmp_path / "quiz.db", "/quit\n").stdout.count("Bye!") == 1


def test_an_unknown_language_is_refused_with_the_setting_named(tmp_path: Path) -> None:
    flag = quizbot(tmp_path / "quiz.db", "", "console", "--lang", "fr")
    setting = quizbot(tmp_path / "quiz.db", "", "console", env={"QUIZBOT_LANG": "klingon"})

    assert flag.returncode == 2
    assert "--lang" in flag.stderr and "'fr' is not one of en, zh" in flag.stderr
    assert setting.returncode == 2
    assert "QUIZBOT_LANG: 'klingon' is not one of en, zh" in setting.stderr
    assert "Traceback" not in flag.stderr + setting.stderr
