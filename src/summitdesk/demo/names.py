# Cyrillic letters that look like Latin ones are meant here: these are Russian words.
# ruff: noqa: RUF001, RUF002
"""Word lists for the demo directory.

Every organisation and person the demo creates is built from these parts, so none of them
is a real body: stems and places are invented or generic, and the templates are the usual
shapes of names in each language ("Télécommunications du Sahel", "شركة الواحة للاتصالات",
"华信通信集团", "АО «Заря-Телеком»"). Member States are the exception: they are real
countries, represented by ministries whose names are generic.

A *style* is the language a name is written in. It is usually the organisation's preferred
language, but German, Portuguese and Nordic companies write their names in their own
language while corresponding in English, which is why there are more styles than languages.
"""

from summitdesk.directory.enums import Category

# Countries and areas that are not ITU Member States: no ministry is made up for them.
# Palestine takes part as an observer; the others are territories.
NOT_MEMBER_STATES = frozenset(
    {
        "PS",
        # Africa
        "BV", "EH", "RE", "SH", "YT",
        # Americas
        "AI", "AW", "BL", "BM", "BQ", "CW", "FK", "GF", "GL", "GP", "GS", "KY", "MF", "MQ",
        "MS", "PM", "PR", "SX", "TC", "VG", "VI",
        # Asia-Pacific
        "AQ", "AS", "CC", "CK", "CX", "GU", "HK", "HM", "IO", "MO", "MP", "NC", "NF", "NU",
        "PF", "PN", "TF", "TK", "TW", "UM", "WF",
        # Europe
        "AX", "FO", "GG", "GI", "IM", "JE", "SJ",
    }
)  # fmt: skip

# The country's name in its own language, for the countries whose preferred language is
# not English; a Member State's ministry is named in that language.
LOCAL_COUNTRY_NAMES: dict[str, tuple[str, str]] = {
    # French
    "FR": ("fr", "France"),
    "BE": ("fr", "Belgique"),
    "LU": ("fr", "Luxembourg"),
    "MC": ("fr", "Monaco"),
    "CH": ("fr", "Suisse"),
    "BJ": ("fr", "Bénin"),
    "BF": ("fr", "Burkina Faso"),
    "BI": ("fr", "Burundi"),
    "CM": ("fr", "Cameroun"),
    "CF": ("fr", "République centrafricaine"),
    "TD": ("fr", "Tchad"),
    "CD": ("fr", "République démocratique du Congo"),
    "CG": ("fr", "Congo"),
    "CI": ("fr", "Côte d'Ivoire"),
    "GA": ("fr", "Gabon"),
    "GN": ("fr", "Guinée"),
    "MG": ("fr", "Madagascar"),
    "ML": ("fr", "Mali"),
    "NE": ("fr", "Niger"),
    "SN": ("fr", "Sénégal"),
    "TG": ("fr", "Togo"),
    "HT": ("fr", "Haïti"),
    "DJ": ("fr", "Djibouti"),
    "KM": ("fr", "Comores"),
    # Spanish
    "ES": ("es", "España"),
    "AR": ("es", "Argentina"),
    "BO": ("es", "Bolivia"),
    "CL": ("es", "Chile"),
    "CO": ("es", "Colombia"),
    "CR": ("es", "Costa Rica"),
    "CU": ("es", "Cuba"),
    "DO": ("es", "República Dominicana"),
    "EC": ("es", "Ecuador"),
    "SV": ("es", "El Salvador"),
    "GT": ("es", "Guatemala"),
    "HN": ("es", "Honduras"),
    "MX": ("es", "México"),
    "NI": ("es", "Nicaragua"),
    "PA": ("es", "Panamá"),
    "PY": ("es", "Paraguay"),
    "PE": ("es", "Perú"),
    "UY": ("es", "Uruguay"),
    "VE": ("es", "Venezuela"),
    "GQ": ("es", "Guinea Ecuatorial"),
    # Arabic
    "AE": ("ar", "الإمارات العربية المتحدة"),
    "BH": ("ar", "البحرين"),
    "DZ": ("ar", "الجزائر"),
    "EG": ("ar", "مصر"),
    "IQ": ("ar", "العراق"),
    "JO": ("ar", "الأردن"),
    "KW": ("ar", "الكويت"),
    "LB": ("ar", "لبنان"),
    "LY": ("ar", "ليبيا"),
    "MA": ("ar", "المغرب"),
    "MR": ("ar", "موريتانيا"),
    "OM": ("ar", "عمان"),
    "PS": ("ar", "فلسطين"),
    "QA": ("ar", "قطر"),
    "SA": ("ar", "المملكة العربية السعودية"),
    "SD": ("ar", "السودان"),
    "SO": ("ar", "الصومال"),
    "SY": ("ar", "سوريا"),
    "TN": ("ar", "تونس"),
    "YE": ("ar", "اليمن"),
    # Russian, the working language of the CIS
    "RU": ("ru", "Российская Федерация"),
    "BY": ("ru", "Беларусь"),
    "KZ": ("ru", "Казахстан"),
    "KG": ("ru", "Кыргызстан"),
    "TJ": ("ru", "Таджикистан"),
    "UZ": ("ru", "Узбекистан"),
    "TM": ("ru", "Туркменистан"),
    "AM": ("ru", "Армения"),
    "AZ": ("ru", "Азербайджан"),
    # Chinese
    "CN": ("zh", "中国"),
}

# Countries whose companies name themselves in a language other than their preferred one.
COUNTRY_STYLES: dict[str, str] = {
    **dict.fromkeys(("DE", "AT", "LI"), "de"),
    **dict.fromkeys(("BR", "PT", "AO", "MZ", "CV", "GW", "ST", "TL"), "pt"),
    **dict.fromkeys(("SE", "NO", "DK", "FI", "IS"), "nordic"),
}

# Fictional (or everyday) name stems, by style.
STEMS: dict[str, list[str]] = {
    "en": [
        "Meridian", "Kestrel", "Harbourline", "Silverbay", "Clearwave", "Ironwood",
        "Brightpath", "Tidewater", "Highveld", "Baobab", "Monsoon", "Coralline",
        "Lakeshore", "Redfern", "Skylark", "Copperbelt", "Riverbend", "Eastgate",
        "Westwind", "Pinecrest", "Saltmarsh", "Greenhill", "Starling", "Amberly",
    ],
    "fr": [
        "Sahélienne", "Horizon", "Étoile", "Baobab", "Lumière", "Alizé", "Harmattan",
        "Méridien", "Océane", "Perle", "Zénith", "Éclair", "Savane", "Boréal",
    ],
    "es": [
        "Cóndor", "Quetzal", "Ñandú", "Colibrí", "Cumbre", "Horizonte", "Alborada",
        "Sol Andino", "Ceiba", "Jaguar", "Brújula", "Cañaveral", "Lucero", "Tucán",
    ],
    "pt": [
        "Atlântico", "Cruzeiro", "Ipê", "Jangada", "Sabiá", "Maré Alta", "Serra Azul",
        "Girassol", "Aroeira", "Baía Clara",
    ],
    "de": [
        "Nordlicht", "Südwind", "Bergkristall", "Weißdorn", "Donautal", "Föhn",
        "Lichtwelle", "Sternwarte", "Kühlberg", "Rheinblick",
    ],
    "nordic": [
        "Østlys", "Fjordnett", "Nordvik", "Skärgård", "Älvdal", "Sjöljus", "Tundra",
        "Väinö", "Hafgola",
    ],
    "ar": [
        "الواحة", "النخيل", "الأفق", "الهلال", "الفجر", "المدار", "النجمة", "الرمال",
        "السحاب", "اللؤلؤة", "الصقر", "المرجان", "الياسمين", "القمة",
    ],
    "ru": [
        "Заря", "Радуга", "Кедр", "Созвездие", "Рассвет", "Ирбис", "Полярис", "Сокол",
        "Ладья", "Метелица", "Берёза", "Светоч",
    ],
    "zh": [
        "华信", "东方", "天网", "星河", "远航", "盛通", "博远", "恒通", "金桥", "飞鸿",
        "汇通", "蓝海", "云帆", "九州", "鼎新", "瑞通",
    ],
}  # fmt: skip

# Places, with the preposition they take where the language needs one.
PLACES: dict[str, list[str]] = {
    "en": [
        "Northfield", "Eastbrook", "Kestrel Bay", "Highveld", "Lakeshore", "Riverbend",
        "Baobab Hills", "Monsoon Coast", "Greenhill", "Pinecrest", "Westmoor", "Harbourton",
    ],
    "fr": [
        "du Sahel", "de l'Atlantique", "des Grands Lacs", "des Hauts-Plateaux", "du Fleuve",
        "du Littoral", "du Golfe", "de la Savane", "de la Côte d'Émeraude", "des Îles",
        "du Plateau central", "de l'Étoile du Sud",
    ],
    "es": [
        "del Caribe", "del Pacífico Sur", "de los Andes", "del Río de la Plata",
        "de la Patagonia", "del Altiplano", "de la Sierra Madre", "del Istmo",
        "de la Costa Atlántica", "del Valle Central", "de las Islas", "de Occidente",
    ],
    "pt": ["do Atlântico Sul", "da Serra", "do Planalto", "da Costa Verde", "do Sertão"],
    "de": ["Grünfelden", "Hohenwald", "Ostmarkt", "Weidenbrück", "Sonnental", "Lindenau"],
    "nordic": ["Nordvik", "Østersund", "Skärholm", "Älvby"],
    "ar": [
        "الخليج", "المشرق", "المغرب العربي", "وادي النيل", "البحر الأحمر", "الجزيرة",
        "الصحراء الكبرى", "بلاد الشام",
    ],
    "ru": [
        "Северный", "Восточный", "Южный", "Приозёрный", "Степной", "Горный", "Приморский",
        "Таёжный",
    ],
    "zh": ["华东", "岭南", "江南", "西部", "北方", "滨海", "中原", "西南"],
}  # fmt: skip

# Regions of the world for international organisations, which are named after the area
# they cover rather than a country.
AREAS: dict[str, list[str]] = {
    "en": [
        "Indian Ocean", "Great Lakes", "Southern Cone", "Trans-Saharan", "Pacific Islands",
        "Atlantic Rim", "Mekong Basin", "Eastern Mediterranean",
    ],
    "fr": ["de l'océan Indien", "des Grands Lacs", "du Sahel", "de l'Afrique centrale"],
    "es": ["del Cono Sur", "del Caribe", "Andina", "Centroamericana"],
    "ar": ["الخليج", "المغرب العربي", "وادي النيل", "المشرق"],
    "ru": ["Евразийский", "Северный", "Каспийский", "Центральноазиатский"],
    "zh": ["亚太", "东亚", "丝路", "南海"],
}  # fmt: skip

SM = Category.SECTOR_MEMBER.value
AS = Category.ASSOCIATE.value
AC = Category.ACADEMIA.value
BE = Category.BUSINESS_ENTITY.value
CS = Category.CIVIL_SOCIETY.value
IO = Category.INTERNATIONAL_ORGANISATION.value
ME = Category.MEDIA.value

# Name templates by style and category: {stem}, {place} and {area} are filled in. A style
# without templates for a category borrows English's.
TEMPLATES: dict[str, dict[str, list[str]]] = {
    "en": {
        SM: [
            "{stem} Telecom Ltd", "{stem} Communications plc", "{stem} Networks Inc.",
            "{stem} Mobile Ltd", "{stem} Satellite Systems Ltd", "{stem} Broadband Corporation",
            "{stem} Fibre Holdings", "{stem} Digital Services Ltd",
        ],
        AS: [
            "{stem} Consulting Ltd", "{stem} Research Labs", "{stem} Spectrum Engineering",
            "{stem} Standards Group", "{stem} Test & Measurement Ltd",
        ],
        BE: [
            "{stem} Software Ltd", "{stem} Data Systems Inc.", "{stem} Electronics Corporation",
            "{stem} Microsystems", "{stem} Financial Group", "{stem} Logistics plc",
        ],
        AC: [
            "University of {place}", "{place} Institute of Technology",
            "{place} Polytechnic University", "{place} College of Telecommunications",
        ],
        CS: [
            "{place} Digital Inclusion Network",
            "{place} Foundation for an Open Information Society",
            "{stem} Community Radio Association", "{place} Women in Technology Forum",
            "Association of {place} Internet Users", "{stem} Trust for Digital Literacy",
        ],
        IO: [
            "{area} Telecommunication Organization", "{area} Broadcasting Union",
            "{area} Digital Development Council", "{area} Regional Spectrum Commission",
            "{area} Postal and Telecommunications Conference",
        ],
        ME: [
            "{stem} Broadcasting Corporation", "The {stem} Herald", "{place} Daily News",
            "{stem} Television Network", "{stem} News Agency", "Radio {stem}",
        ],
    },
    "fr": {
        SM: [
            "Télécommunications {place} SA", "{stem} Télécom SA", "{stem} Réseaux SARL",
            "{stem} Mobile SA", "Compagnie des réseaux {place}", "Groupe {stem} Numérique",
            "{stem} Satellites et Câbles SA",
        ],
        AS: [
            "Bureau d'études {stem}", "{stem} Conseil", "Laboratoire {stem} de radiocommunications",
        ],
        BE: ["{stem} Informatique SA", "Électronique {place} SA", "{stem} Logiciels SARL"],
        AC: [
            "Université {place}", "École supérieure des télécommunications {place}",
            "Institut polytechnique {place}",
        ],
        CS: [
            "Association pour l'inclusion numérique {place}",
            "Réseau des femmes et des TIC {place}",
            "Fondation {stem} pour la société de l'information",
            "Collectif citoyen pour l'Internet {place}",
        ],
        IO: [
            "Organisation régionale des télécommunications {area}",
            "Conférence des postes et télécommunications {area}",
            "Union de radiodiffusion {area}",
            "Agence intergouvernementale du numérique {area}",
        ],
        ME: [
            "Radio-Télévision {place}", "Le Quotidien {place}", "Agence de presse {stem}",
            "{stem} FM", "L'Écho {place}",
        ],
    },
    "es": {
        SM: [
            "Telecomunicaciones {place} S.A.", "{stem} Telecom S.A.",
            "Redes {stem} S.A. de C.V.", "Compañía de Telefonía {place}", "{stem} Móvil S.A.",
            "Satélites {place} S.A.", "Comunicaciones {stem} Ltda.",
        ],
        AS: ["{stem} Consultores S.L.", "Laboratorio de Radiocomunicación {stem}"],
        BE: [
            "{stem} Informática S.A.", "Sistemas Electrónicos {place}",
            "Grupo Financiero {stem}",
        ],
        AC: [
            "Universidad Tecnológica {place}", "Escuela Superior de Telecomunicación {place}",
            "Instituto Politécnico {place}",
        ],
        CS: [
            "Fundación {stem} para la Sociedad de la Información",
            "Asociación de Usuarios de Internet {place}",
            "Red de Mujeres y Tecnología {place}",
            "Colectivo Ciudadano por la Inclusión Digital {place}",
        ],
        IO: [
            "Comisión Regional de Telecomunicaciones {area}",
            "Organización de Radiodifusión {area}",
        ],
        ME: [
            "Radio y Televisión {place}", "Diario {stem}", "Agencia de Noticias {stem}",
            "Canal {stem}",
        ],
    },
    "pt": {
        SM: [
            "Telecomunicações {stem} S.A.", "{stem} Redes Ltda.",
            "Companhia de Comunicações {place}", "{stem} Móvel S.A.",
        ],
        AS: ["{stem} Consultoria em Telecomunicações"],
        BE: ["{stem} Informática Ltda.", "Sistemas Eletrônicos {stem}"],
        AC: ["Universidade {place}", "Instituto Politécnico {place}"],
        CS: [
            "Associação para a Inclusão Digital {place}",
            "Fundação {stem} para a Sociedade da Informação",
        ],
        ME: ["Rádio e Televisão {place}", "Jornal {stem}", "Agência de Notícias {stem}"],
    },
    "de": {
        SM: [
            "{stem} Telecom AG", "{stem} Telekommunikation GmbH", "{stem} Funknetz GmbH",
            "{stem} Glasfaser AG", "Fernmeldewerke {stem} AG",
        ],
        AS: ["Ingenieurbüro {stem}", "{stem} Prüflabor GmbH"],
        BE: ["{stem} Softwarehaus GmbH", "{stem} Elektronik AG"],
        AC: ["Technische Hochschule {place}", "Universität {place}"],
        CS: [
            "Verein für digitale Teilhabe {place}",
            "Stiftung {stem} für die Informationsgesellschaft",
        ],
        ME: ["{stem} Rundfunk", "{stem} Nachrichtenagentur", "Zeitung für {place}"],
    },
    "nordic": {
        SM: ["{stem} Telekom AS", "{stem} Nät AB", "{stem} Networks Oy", "{stem} Mobil A/S"],
        BE: ["{stem} Datasystem AB", "{stem} Elektronikk AS"],
        ME: ["{stem} Kringkasting", "{stem} Tidning"],
    },
    "ar": {
        SM: [
            "شركة {stem} للاتصالات", "مجموعة {stem} للتقنية", "شبكة {stem} للاتصالات المتنقلة",
            "شركة {stem} للأقمار الصناعية", "شركة اتصالات {place}",
        ],
        AS: ["مكتب {stem} للاستشارات الهندسية", "مختبر {stem} للاتصالات الراديوية"],
        BE: ["شركة {stem} للبرمجيات", "مؤسسة {stem} للأنظمة الإلكترونية", "بنك {stem}"],
        AC: ["جامعة {place} للتكنولوجيا", "المعهد العالي للاتصالات في {place}"],
        CS: [
            "جمعية {stem} لمجتمع المعلومات", "شبكة {place} للحقوق الرقمية",
            "مؤسسة {stem} لمحو الأمية الرقمية",
        ],
        IO: [
            "المنظمة الإقليمية للاتصالات في {area}", "مجلس {area} للتعاون الرقمي",
            "اتحاد إذاعات {area}",
        ],
        ME: ["قناة {stem} الفضائية", "صحيفة {stem}", "وكالة أنباء {place}", "إذاعة {stem}"],
    },
    "ru": {
        SM: [
            "АО «{stem}-Телеком»", "ООО «{stem} Связь»", "Группа компаний «{stem}»",
            "ЗАО «{stem} Спутник»", "ПАО «Мобильные сети {stem}»",
        ],
        AS: ["НИИ радиосвязи «{stem}»", "ООО «{stem} Консалтинг»"],
        BE: ["ООО «{stem} Софт»", "АО «{stem} Электроника»", "Банк «{stem}»"],
        AC: [
            "Университет связи «{stem}»", "{place} государственный университет телекоммуникаций",
            "{place} институт информационных технологий",
        ],
        CS: [
            "Ассоциация пользователей Интернета «{stem}»",
            "Фонд «{stem}» за информационное общество",
            "Центр цифровой грамотности «{stem}»",
        ],
        IO: [
            "{area} совет по информатизации", "{area} союз электросвязи",
            "Межгосударственная комиссия по радиочастотам «{stem}»",
        ],
        ME: [
            "Телерадиокомпания «{stem}»", "Газета «{stem}»", "Информационное агентство «{stem}»",
            "Радио «{stem}»",
        ],
    },
    "zh": {
        SM: [
            "{stem}通信集团", "{stem}电信有限公司", "{stem}网络科技股份有限公司",
            "{stem}移动通信有限公司", "{place}{stem}卫星通信公司",
        ],
        AS: ["{stem}通信咨询有限公司", "{stem}无线电研究所"],
        BE: ["{stem}软件有限公司", "{stem}电子集团", "{stem}信息技术有限公司"],
        AC: ["{place}邮电大学", "{place}理工大学", "{stem}信息工程学院"],
        CS: ["{stem}信息社会促进会", "{place}互联网用户协会", "{stem}数字包容基金会"],
        IO: ["{area}电信合作组织", "{area}广播联盟", "{area}数字发展理事会"],
        ME: ["{stem}广播电视台", "{place}日报", "{stem}新闻社", "{stem}卫视"],
    },
}  # fmt: skip

# Generic names of ministries; "{country}" is the country's name in the same language.
MINISTRIES: dict[str, list[str]] = {
    "en": [
        "Ministry of Communications and Information Technology, {country}",
        "Ministry of Posts and Telecommunications, {country}",
        "Ministry of the Information Society, {country}",
        "Ministry of Transport and Communications, {country}",
    ],
    "fr": [
        "Ministère des Postes et Télécommunications ({country})",
        "Ministère de l'Économie numérique ({country})",
        "Ministère de la Communication et des Nouvelles Technologies ({country})",
    ],
    "es": [
        "Ministerio de Comunicaciones ({country})",
        "Ministerio de Tecnologías de la Información y las Comunicaciones ({country})",
        "Secretaría de Comunicaciones y Transportes ({country})",
    ],
    "ar": [
        "وزارة الاتصالات وتقنية المعلومات - {country}",
        "وزارة البريد والاتصالات - {country}",
    ],
    "ru": [
        "Министерство связи и информатизации ({country})",
        "Министерство информационных технологий и связи ({country})",
    ],
    "zh": ["{country}通信与信息化部", "{country}信息社会事务部"],
}

# The chief executive's function, by category and language (English where not given).
HEAD_FUNCTIONS: dict[str, dict[str, str]] = {
    Category.MEMBER_STATE.value: {
        "en": "Minister",
        "fr": "Ministre",
        "es": "Ministro",
        "ar": "الوزير",
        "ru": "Министр",
        "zh": "部长",
    },
    SM: {
        "en": "Chief Executive Officer",
        "fr": "Président-directeur général",
        "es": "Presidente ejecutivo",
        "ar": "الرئيس التنفيذي",
        "ru": "Генеральный директор",
        "zh": "总裁",
    },
    AS: {"en": "Managing Director", "fr": "Directeur général", "es": "Director general"},
    BE: {"en": "Chief Executive Officer", "fr": "Directeur général", "es": "Director general"},
    AC: {"en": "Rector", "fr": "Recteur", "es": "Rector", "ru": "Ректор", "zh": "校长"},
    CS: {"en": "Executive Director", "fr": "Président", "es": "Director ejecutivo"},
    IO: {"en": "Secretary-General", "fr": "Secrétaire général", "es": "Secretario General"},
    ME: {"en": "Director-General", "fr": "Directeur général", "es": "Director general"},
}

FOCAL_POINT_FUNCTIONS: dict[str, str] = {
    "en": "WSIS focal point",
    "fr": "Point focal SMSI",
    "es": "Punto focal CMSI",
    "ar": "منسق القمة العالمية لمجتمع المعلومات",
    "ru": "Координатор по ВВУИО",
    "zh": "信息社会世界峰会联络人",
}

# Given names (men, women) and family names (men's form, women's form), by culture. The
# culture follows the name style, and for English the region, loosely.
GIVEN_NAMES: dict[str, tuple[list[str], list[str]]] = {
    "en": (
        ["John", "David", "Michael", "Peter", "James", "Richard", "Thomas", "Samuel"],
        ["Mary", "Sarah", "Elizabeth", "Anne", "Helen", "Margaret", "Emily", "Rachel"],
    ),
    "en-africa": (
        ["Kwame", "Oluwaseun", "Tendai", "Kofi", "Chinedu", "Themba", "Baraka", "Sipho"],
        ["Ngozi", "Akosua", "Amani", "Zanele", "Chiamaka", "Wanjiru", "Thandiwe", "Abena"],
    ),
    "en-asia": (
        ["Hiroshi", "Kenji", "Rahul", "Arjun", "Minh", "Somchai", "Rizal", "Tuan"],
        ["Yuki", "Aiko", "Priya", "Ananya", "Siti", "Mai", "Lakshmi", "Haruka"],
    ),
    "fr": (
        ["Jean", "Pierre", "François", "Étienne", "Jérôme", "Amadou", "Moussa", "André"],
        ["Marie", "Sophie", "Hélène", "Aïssatou", "Fatoumata", "Élodie", "Céline", "Béatrice"],
    ),
    "es": (
        ["José", "Juan", "Carlos", "Andrés", "Martín", "Sebastián", "Joaquín", "Raúl"],
        ["María", "Ana", "Lucía", "Inés", "Sofía", "Verónica", "Mónica", "Ángela"],
    ),
    "pt": (
        ["João", "António", "Luís", "Sebastião", "Paulo", "Fernando"],
        ["Ana", "Conceição", "Inês", "Fernanda", "Graça", "Luísa"],
    ),
    "de": (
        ["Klaus", "Jürgen", "Stefan", "Matthias", "Lukas", "Björn", "Sören", "Jörg"],
        ["Ursula", "Katrin", "Jana", "Lena", "Birgit", "Günes", "Åsa", "Märta"],
    ),
    "ar": (
        ["Ahmed", "Mohamed", "Khaled", "Omar", "Youssef", "Karim", "Tarek", "Nabil"],
        ["Fatima", "Leila", "Mariam", "Nour", "Salma", "Rania", "Huda", "Amal"],
    ),
    "ar-native": (
        ["أحمد", "محمد", "خالد", "عمر", "يوسف", "كريم", "طارق", "نبيل"],
        ["فاطمة", "ليلى", "مريم", "نور", "سلمى", "رانيا", "هدى", "أمل"],
    ),
    "ru": (
        ["Ivan", "Sergei", "Alexei", "Dmitri", "Nikolai", "Andrei", "Timur", "Nurlan"],
        ["Olga", "Natalia", "Elena", "Irina", "Svetlana", "Aigul", "Gulnara", "Tatiana"],
    ),
    "ru-native": (
        ["Иван", "Сергей", "Алексей", "Дмитрий", "Николай", "Андрей", "Тимур", "Нурлан"],
        ["Ольга", "Наталья", "Елена", "Ирина", "Светлана", "Айгуль", "Гульнара", "Татьяна"],
    ),
    "zh": (
        ["Wei", "Jun", "Ming", "Qiang", "Hao", "Lei", "Jian", "Tao"],
        ["Fang", "Li", "Jing", "Mei", "Xiu", "Yan", "Hong", "Ling"],
    ),
    # Delegations write some names in Chinese characters (the directory does not).
    "zh-native": (
        ["伟", "军", "明", "强", "浩", "磊", "建华", "志刚"],
        ["芳", "丽", "静", "梅", "秀英", "艳", "红", "玲"],
    ),
}

FAMILY_NAMES: dict[str, list[tuple[str, str]]] = {
    "en": [
        (name, name)
        for name in ("Smith", "Johnson", "Brown", "Taylor", "Wilson", "Campbell", "O'Neill")
    ],
    "en-africa": [
        (name, name) for name in ("Mensah", "Okafor", "Mwangi", "Banda", "Dlamini", "Asante")
    ],
    "en-asia": [
        (name, name) for name in ("Tanaka", "Suzuki", "Sharma", "Patel", "Nguyen", "Santoso")
    ],
    "fr": [
        (name, name)
        for name in ("Dupont", "Lefèvre", "Moreau", "Diallo", "Traoré", "Ndiaye", "Ouédraogo")
    ],
    "es": [
        (name, name)
        for name in ("García", "Rodríguez", "Martínez", "López", "Hernández", "Núñez", "Peña")
    ],
    "pt": [(name, name) for name in ("Silva", "Gonçalves", "Magalhães", "Araújo", "Simões")],
    "de": [
        (name, name)
        for name in ("Müller", "Schäfer", "Weiß", "Köhler", "Lindqvist", "Jørgensen", "Håkansson")
    ],
    "ar": [
        (name, name)
        for name in ("Haddad", "Khoury", "Saleh", "Mansour", "Al-Amin", "El-Hassan", "Hamdan")
    ],
    "ar-native": [
        (name, name) for name in ("حداد", "خوري", "صالح", "منصور", "الأمين", "الحسن", "حمدان")
    ],
    "ru": [
        ("Ivanov", "Ivanova"),
        ("Petrov", "Petrova"),
        ("Smirnov", "Smirnova"),
        ("Sokolov", "Sokolova"),
        ("Akhmetov", "Akhmetova"),
        ("Nazarov", "Nazarova"),
    ],
    "ru-native": [
        ("Иванов", "Иванова"),
        ("Петров", "Петрова"),
        ("Смирнов", "Смирнова"),
        ("Соколов", "Соколова"),
        ("Ахметов", "Ахметова"),
        ("Назаров", "Назарова"),
    ],
    "zh": [(name, name) for name in ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao")],
    "zh-native": [(name, name) for name in ("王", "李", "张", "刘", "陈", "杨", "赵")],
}

# What the other members of a delegation do (the head's function comes from the directory).
DELEGATE_FUNCTIONS: dict[str, list[str]] = {
    "en": [
        "Senior Adviser",
        "Director, International Relations",
        "Policy Officer",
        "Legal Counsel",
        "Head of Regulatory Affairs",
        "Chief Engineer",
        "Counsellor",
    ],
    "fr": [
        "Conseiller principal",
        "Directrice des relations internationales",
        "Chargé de mission",
        "Juriste",
        "Ingénieur en chef",
    ],
    "es": [
        "Asesor principal",
        "Directora de Relaciones Internacionales",
        "Oficial de políticas",
        "Asesor jurídico",
        "Ingeniero jefe",
    ],
    "ar": ["مستشار أول", "مدير العلاقات الدولية", "مستشار قانوني", "كبير المهندسين"],
    "ru": [
        "Старший советник",
        "Директор по международным связям",
        "Юрисконсульт",
        "Главный инженер",
    ],
    "zh": ["高级顾问", "国际合作司司长", "法律顾问", "总工程师"],
}

# The first line of a postal address; {n} is a house number.
STREETS: dict[str, list[str]] = {
    "en": ["{n} Innovation Way", "{n} Harbour Road", "{n} Exchange Street", "{n} Cable Lane"],
    "fr": [
        "{n}, avenue des Télécommunications",
        "{n}, rue du Progrès",
        "{n}, boulevard de l'Étoile",
    ],
    "es": ["Calle de la Comunicación {n}", "Avenida del Progreso {n}", "Paseo de la Señal {n}"],
    "pt": ["Rua das Comunicações, {n}", "Avenida da Ligação, {n}"],
    "de": ["Funkstraße {n}", "Am Fernmeldeamt {n}", "Glasfaserweg {n}"],
    "nordic": ["Radiogatan {n}", "Fjordveien {n}"],
    "ar": ["شارع الاتصالات، رقم {n}", "طريق المعرفة، مبنى {n}"],
    "ru": ["ул. Связистов, д. {n}", "пр. Радио, д. {n}"],
    "zh": ["信息路{n}号", "通信大道{n}号"],
}
