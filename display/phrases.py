"""What to say for a call: the clip names of each language, and the same words as text for speech engines.

Pure functions, no Qt. A plan is a chime, then the Chinese and English sentences, repeated::

    chime | zh: qing letter_A digit_0 digit_2 digit_3 hao dao digit_5 hao_chuangkou
          | en: number letter_a zero two three please_go_to_counter five

Chinese reads the ticket digit by digit (A 零二三) and the counter as a number (十五, 二十三, 一百零五);
English reads the ticket digit by digit (A zero two three) and the counter as a number (twenty three).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LANGUAGES = ("zh", "en")
COMMON = "common"  # clips without a language: the chime, a pause

CHIME = "chime"
PAUSE = "pause"

ZH_DIGITS = "零一二三四五六七八九"
ZH_PINYIN = ["ling2", "yi1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3"]
EN_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
]  # fmt: skip
EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

#: Every clip a complete pack has, per folder, with the words each one says (what the generator speaks).
ZH_PHRASES = {"qing": "请", "hao": "号", "dao": "到", "hao_chuangkou": "号窗口", "shi": "十", "bai": "百"}
EN_PHRASES = {"number": "Number", "please_go_to_counter": "please go to counter", "hundred": "hundred"}


def clip_catalogue() -> dict[str, dict[str, str]]:
    """Folder -> clip name -> the words it says (Chinese in characters; the generator knows the pinyin)."""
    zh = {f"digit_{d}": ZH_DIGITS[d] for d in range(10)}
    zh |= {f"letter_{c}": c for c in LETTERS}
    zh |= ZH_PHRASES
    en = {word: word for word in EN_UNITS}
    en |= {word: word for word in EN_TENS if word}
    en |= {f"letter_{c.lower()}": c for c in LETTERS}
    en |= EN_PHRASES
    return {COMMON: {CHIME: "(chime)", PAUSE: "(silence)"}, "zh": zh, "en": en}


@dataclass(frozen=True)
class Segment:
    """One stretch of sound: clips from one folder, and the words as text for a speech engine."""

    lang: str  # "zh", "en" or COMMON
    clips: tuple[str, ...]
    text: str = ""


@dataclass(frozen=True)
class Plan:
    """Everything said for one call, in order."""

    label: str
    counter: int
    recall: bool = False
    segments: tuple[Segment, ...] = field(default_factory=tuple)

    def clips(self) -> list[tuple[str, str]]:
        """(folder, clip) pairs in playing order."""
        return [(s.lang, c) for s in self.segments for c in s.clips]


_LABEL = re.compile(r"^([A-Z]{1,4})(\d{1,4})$")


def split_label(label: str) -> tuple[str, str]:
    """``"A023"`` -> ``("A", "023")``; ValueError for anything that is not letters then digits."""
    match = _LABEL.match(label.strip().upper())
    if not match:
        raise ValueError(f"not a ticket label: {label!r}")
    return match.group(1), match.group(2)


def zh_number(n: int) -> list[str]:
    """Chinese number words of 1..999 as digit/shi/bai clips: 15 -> 十五, 20 -> 二十, 105 -> 一百零五."""
    if not 0 < n < 1000:
        raise ValueError(f"counter number out of range: {n}")
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    clips: list[str] = []
    if hundreds:
        clips += [f"digit_{hundreds}", "bai"]
        if tens == 0 and units:
            clips.append("digit_0")
    if tens:
        if tens > 1 or hundreds:  # 十五, but 一百一十五
            clips.append(f"digit_{tens}")
        clips.append("shi")
    if units:
        clips.append(f"digit_{units}")
    return clips


def zh_number_text(n: int) -> str:
    """The same number in characters: 23 -> 二十三."""
    words = {"shi": "十", "bai": "百"}
    return "".join(words.get(c) or ZH_DIGITS[int(c[-1])] for c in zh_number(n))


def en_number(n: int) -> list[str]:
    """English number words of 1..999 as clips: 5 -> five, 23 -> twenty three, 105 -> one hundred five."""
    if not 0 < n < 1000:
        raise ValueError(f"counter number out of range: {n}")
    hundreds, rest = divmod(n, 100)
    words = [EN_UNITS[hundreds], "hundred"] if hundreds else []
    if rest >= 20:
        words.append(EN_TENS[rest // 10])
        if rest % 10:
            words.append(EN_UNITS[rest % 10])
    elif rest:
        words.append(EN_UNITS[rest])
    return words


def zh_segment(label: str, counter: int) -> Segment:
    """请 A023 号 到 5 号窗口."""
    letters, digits = split_label(label)
    clips = ["qing"] + [f"letter_{c}" for c in letters] + [f"digit_{d}" for d in digits] + ["hao", "dao"]
    clips += zh_number(counter) + ["hao_chuangkou"]
    spoken_label = " ".join(letters) + " " + "".join(ZH_DIGITS[int(d)] for d in digits)
    return Segment("zh", tuple(clips), f"请 {spoken_label} 号，到 {zh_number_text(counter)} 号窗口")


def en_segment(label: str, counter: int) -> Segment:
    """Number A023, please go to counter 5."""
    letters, digits = split_label(label)
    clips = ["number"] + [f"letter_{c.lower()}" for c in letters] + [EN_UNITS[int(d)] for d in digits]
    clips += ["please_go_to_counter"] + en_number(counter)
    spoken_label = " ".join(letters) + " " + " ".join(EN_UNITS[int(d)] for d in digits)
    return Segment("en", tuple(clips), f"Number {spoken_label}, please go to counter {counter}")


def plan_call(
    label: str, counter: int, *, recall: bool = False, repeat: int = 1, languages: tuple[str, ...] = LANGUAGES
) -> Plan:
    """The whole announcement of one call: a chime, then each language in turn, all of it ``repeat`` times."""
    makers = {"zh": zh_segment, "en": en_segment}
    spoken = [makers[lang](label, counter) for lang in languages]
    pause = Segment(COMMON, (PAUSE,))
    segments: list[Segment] = [Segment(COMMON, (CHIME,))]
    for _ in range(max(1, repeat)):
        for segment in spoken:
            segments += [segment, pause]
    return Plan(label=label.strip().upper(), counter=counter, recall=recall, segments=tuple(segments))


def display_texts(label: str, counter: int) -> dict[str, str]:
    """The sentences as written on screen and in logs."""
    return {
        "zh": f"请 {label} 号 到 {counter} 号窗口",
        "en": f"Number {label}, please go to counter {counter}",
    }
