# Russian, Arabic and Chinese titles use their own scripts' letters and punctuation.
# ruff: noqa: RUF001
"""The WSIS process's name and its meetings' titles in French, Spanish, Arabic, Russian and
Chinese: translations written for the demo by the secretariat, not official names.

English stays each model's own field (demo/load.py); these fill `name_translations` and
`title_translations` (lib/localized.py).
"""

#: The process (English: "World Summit on the Information Society").
PROCESS_NAME = {
    "fr": "Sommet mondial sur la société de l'information",
    "es": "Cumbre Mundial sobre la Sociedad de la Información",
    "ar": "القمة العالمية لمجتمع المعلومات",
    "ru": "Всемирная встреча на высшем уровне по вопросам информационного общества",
    "zh": "信息社会世界峰会",
}

#: The cities of the conferences, as each language writes them.
_CITIES = {
    "bamako": {"fr": "Bamako", "es": "Bamako", "ar": "باماكو", "ru": "Бамако", "zh": "巴马科"},
    "bucharest": {
        "fr": "Bucarest",
        "es": "Bucarest",
        "ar": "بوخارست",
        "ru": "Бухарест",
        "zh": "布加勒斯特",
    },
    "tokyo": {"fr": "Tokyo", "es": "Tokio", "ar": "طوكيو", "ru": "Токио", "zh": "东京"},
    "bavaro": {"fr": "Bávaro", "es": "Bávaro", "ar": "بافارو", "ru": "Баваро", "zh": "巴瓦罗"},
    "beirut": {"fr": "Beyrouth", "es": "Beirut", "ar": "بيروت", "ru": "Бейрут", "zh": "贝鲁特"},
    "bishkek": {
        "fr": "Bichkek",
        "es": "Biskek",
        "ar": "بيشكيك",
        "ru": "Бишкек",
        "zh": "比什凯克",
    },
    "moscow": {"fr": "Moscou", "es": "Moscú", "ar": "موسكو", "ru": "Москва", "zh": "莫斯科"},
}

_REGIONAL = {
    "fr": "Conférence régionale préparatoire du SMSI, {city}",
    "es": "Conferencia regional preparatoria de la CMSI, {city}",
    "ar": "المؤتمر الإقليمي التحضيري للقمة العالمية لمجتمع المعلومات، {city}",
    "ru": "Региональная подготовительная конференция ВВУИО, {city}",
    "zh": "信息社会世界峰会区域筹备会议，{city}",
}
_SUBREGIONAL = {
    "fr": "Conférence sous-régionale du SMSI, {city}",
    "es": "Conferencia subregional de la CMSI, {city}",
    "ar": "المؤتمر دون الإقليمي للقمة العالمية لمجتمع المعلومات، {city}",
    "ru": "Субрегиональная конференция ВВУИО, {city}",
    "zh": "信息社会世界峰会次区域会议，{city}",
}
_PREPCOM = {
    1: {
        "fr": "Comité préparatoire du SMSI, première réunion (PrepCom-1)",
        "es": "Comité Preparatorio de la CMSI, primera reunión (PrepCom-1)",
        "ar": "اللجنة التحضيرية للقمة العالمية لمجتمع المعلومات، الاجتماع الأول (PrepCom-1)",
        "ru": "Подготовительный комитет ВВУИО, первое совещание (PrepCom-1)",
        "zh": "信息社会世界峰会筹备委员会第一次会议（PrepCom-1）",
    },
    2: {
        "fr": "Comité préparatoire du SMSI, deuxième réunion (PrepCom-2)",
        "es": "Comité Preparatorio de la CMSI, segunda reunión (PrepCom-2)",
        "ar": "اللجنة التحضيرية للقمة العالمية لمجتمع المعلومات، الاجتماع الثاني (PrepCom-2)",
        "ru": "Подготовительный комитет ВВУИО, второе совещание (PrepCom-2)",
        "zh": "信息社会世界峰会筹备委员会第二次会议（PrepCom-2）",
    },
    3: {
        "fr": "Comité préparatoire du SMSI, troisième réunion (PrepCom-3)",
        "es": "Comité Preparatorio de la CMSI, tercera reunión (PrepCom-3)",
        "ar": "اللجنة التحضيرية للقمة العالمية لمجتمع المعلومات، الاجتماع الثالث (PrepCom-3)",
        "ru": "Подготовительный комитет ВВУИО, третье совещание (PrepCom-3)",
        "zh": "信息社会世界峰会筹备委员会第三次会议（PrepCom-3）",
    },
}
_SUMMIT = {
    "fr": "Sommet mondial sur la société de l'information, première phase",
    "es": "Cumbre Mundial sobre la Sociedad de la Información, primera fase",
    "ar": "القمة العالمية لمجتمع المعلومات، المرحلة الأولى",
    "ru": "Всемирная встреча на высшем уровне по вопросам информационного общества, первый этап",
    "zh": "信息社会世界峰会第一阶段会议",
}

_REGIONAL_CODES = ("bamako", "bucharest", "tokyo", "bavaro", "beirut")
_SUBREGIONAL_CODES = ("bishkek", "moscow")

#: Each demo meeting's title by code, {language: title}.
MEETING_TITLES: dict[str, dict[str, str]] = {
    **{
        code: {
            language: pattern.format(city=_CITIES[code][language])
            for language, pattern in _REGIONAL.items()
        }
        for code in _REGIONAL_CODES
    },
    **{
        code: {
            language: pattern.format(city=_CITIES[code][language])
            for language, pattern in _SUBREGIONAL.items()
        }
        for code in _SUBREGIONAL_CODES
    },
    **{f"prepcom-{number}": titles for number, titles in _PREPCOM.items()},
    "geneva-2003": _SUMMIT,
}
