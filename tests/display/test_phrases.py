"""Announcement planning: the clips said for every label A001…Z999 and every counter 1–99, both languages."""

from __future__ import annotations

import string

import pytest

from display.phrases import (
    COMMON,
    en_number,
    en_segment,
    plan_call,
    split_label,
    zh_number,
    zh_number_text,
    zh_segment,
)
from display.voicepack import VoicePack

# Reference readings written out independently of the code under test.
ZH = dict(zip("0123456789", "零一二三四五六七八九", strict=True))
EN_ONES = "zero one two three four five six seven eight nine".split()
EN_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
EN_TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}

ALL_LABELS = [f"{letter}{n:03d}" for letter in string.ascii_uppercase for n in range(1, 1000)]
ALL_COUNTERS = range(1, 100)


def zh_reference(n: int) -> str:
    """1..99 in Chinese characters, as a hall says a counter: 5 五, 10 十, 15 十五, 20 二十, 23 二十三."""
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else ZH[str(tens)] + "十")
    return head + (ZH[str(units)] if units else "")


def en_reference(n: int) -> list[str]:
    if n < 10:
        return [EN_ONES[n]]
    if n < 20:
        return [EN_TEENS[n - 10]]
    tens, units = divmod(n, 10)
    return [EN_TENS[tens]] + ([EN_ONES[units]] if units else [])


def zh_clip_text(clips: list[str]) -> str:
    words = {"shi": "十", "bai": "百"}
    return "".join(words.get(c) or ZH[c.removeprefix("digit_")] for c in clips)


def test_the_example_from_the_issue():
    plan = plan_call("A023", 5, repeat=1)
    assert plan.clips() == [
        (COMMON, "chime"),
        *[("zh", c) for c in ["qing", "letter_A", "digit_0", "digit_2", "digit_3", "hao", "dao", "digit_5"]],
        ("zh", "hao_chuangkou"),
        (COMMON, "pause"),
        *[("en", c) for c in ["number", "letter_a", "zero", "two", "three", "please_go_to_counter", "five"]],
        (COMMON, "pause"),
    ]
    assert plan.segments[1].text == "请 A 零二三 号，到 五 号窗口"
    assert plan.segments[3].text == "Number A zero two three, please go to counter 5"


def test_four_digit_label_is_read_digit_by_digit():
    plan = plan_call("A1000", 12, repeat=1)
    zh, en = plan.segments[1], plan.segments[3]
    assert zh.clips == (
        "qing",
        "letter_A",
        "digit_1",
        "digit_0",
        "digit_0",
        "digit_0",
        "hao",
        "dao",
        "shi",
        "digit_2",
        "hao_chuangkou",
    )
    assert zh.text == "请 A 一零零零 号，到 十二 号窗口"
    assert en.clips == ("number", "letter_a", "one", "zero", "zero", "zero", "please_go_to_counter", "twelve")
    assert en.text == "Number A one zero zero zero, please go to counter 12"
    assert plan.label == "A1000"


def test_every_counter_1_to_99_in_both_languages():
    for n in ALL_COUNTERS:
        assert zh_clip_text(zh_number(n)) == zh_reference(n) == zh_number_text(n), n
        assert en_number(n) == en_reference(n), n
        zh = zh_segment("A001", n).clips
        assert zh[-1] == "hao_chuangkou" and list(zh[zh.index("dao") + 1 : -1]) == zh_number(n)
        en = en_segment("A001", n).clips
        assert list(en[en.index("please_go_to_counter") + 1 :]) == en_reference(n)
    assert zh_clip_text(zh_number(105)) == "一百零五" and zh_clip_text(zh_number(110)) == "一百一十"
    assert en_number(105) == ["one", "hundred", "five"]


def test_every_label_a001_to_z999_digit_by_digit():
    assert len(ALL_LABELS) == 26 * 999
    for label in ALL_LABELS:
        letter, digits = label[0], label[1:]
        zh = zh_segment(label, 7).clips
        assert zh[:5] == ("qing", f"letter_{letter}", *(f"digit_{d}" for d in digits))
        assert zh[5:7] == ("hao", "dao")
        en = en_segment(label, 7).clips
        assert en[:5] == ("number", f"letter_{letter.lower()}", *(EN_ONES[int(d)] for d in digits))


def test_every_clip_of_every_plan_is_in_the_default_pack():
    pack = VoicePack.load()
    assert pack.completeness() == []
    wanted = set()
    for label in ALL_LABELS[::37] + ["Z999", "A001"]:
        for n in ALL_COUNTERS:
            wanted.update(plan_call(label, n).clips())
    assert pack.missing(sorted(wanted)) == []


def test_repeat_recall_and_bad_input():
    plan = plan_call("B101", 12, repeat=3, recall=True)
    assert plan.recall and [s.lang for s in plan.segments].count("zh") == 3
    assert plan.segments[0].clips == ("chime",)  # one chime, then the sentences three times
    assert split_label(" c007 ") == ("C", "007")
    for bad in ["", "007", "A-1", "AB12345", "一23"]:
        with pytest.raises(ValueError):
            split_label(bad)
    for bad in [0, 1000, -3]:
        with pytest.raises(ValueError):
            zh_number(bad)
