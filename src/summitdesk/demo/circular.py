# Russian, Arabic and Chinese texts use their own scripts' letters and punctuation.
# ruff: noqa: RUF001
"""Circular DM-1048 in the demo: the letter's own text, a draft ready to dispatch.

Dated the day the demo is loaded, which plays 9 July 2003. What the letter leaves blank
(the contact's name, telephone, fax and e-mail) gets fictional values under example.org;
what it does not give (a reply deadline) stays empty. The French, Spanish, Russian, Arabic
and Chinese texts (with their letterhead, addressees, titles and contact) are translations
written for the demo, not official versions: each is marked as the secretariat's own
translation, which its letters say. The information pack
of the Geneva phase gets generic web links under example.org in place of the CD-ROM.
"""

import datetime
from typing import TypedDict

from summitdesk.core.audit import Actor
from summitdesk.correspondence import services
from summitdesk.correspondence.audience import Audience
from summitdesk.correspondence.enums import Enclosure
from summitdesk.correspondence.models import Circular
from summitdesk.correspondence.services import TextData
from summitdesk.directory.enums import Category
from summitdesk.meetings import packs
from summitdesk.meetings.models import Meeting, Process

REFERENCE = "DM-1048"
MEETING_CODE = "geneva-2003"
LETTER_DATE = datetime.date(2003, 7, 9)

LETTERHEAD = [
    "International Telecommunication Union",
    "Place des Nations",
    "CH-1211 Geneva 20, Switzerland",
]
ADDRESSEES = "CEOs of ITU Sector Members and Accredited Business Sector Entities"
SIGNATORY = "Yoshio UTSUMI"
# The letter's signature reads "International Telecommunication Unit": a typo for Union.
SIGNATORY_TITLES = [
    "Secretary-General, International Telecommunication Union (ITU)",
    "Chairman, High-Level Summit Organizing Committee (HLSOC)",
]
# The letter leaves its contact block blank: fictional values, under example.org.
CONTACT = {
    "contact_name": "WSIS Executive Secretariat",
    "contact_tel": "+41 22 000 00 00",
    "contact_fax": "+41 22 000 00 01",
    "contact_email": "wsis-contact@example.org",
}
AUDIENCE = Audience(categories=[Category.SECTOR_MEMBER.value, Category.BUSINESS_ENTITY.value])

# (subject, salutation, paragraphs, closing) by language. English is the letter's own text,
# verbatim (its double spaces included).
ENGLISH = (
    "World Summit on the Information Society (WSIS)\nGeneva, Switzerland, 10-12 December 2003",
    "Dear Sir/Madam,",
    [
        "The first phase of the World Summit on the Information Society will take place in "
        "Geneva from 10-12 December 2003. The International Telecommunication Union (ITU) is "
        "the lead organizing agency for the Summit and I am writing to invite your "
        "organization to be represented at the highest level at this important Summit.",
        "This is the first Summit devoted to the issues of the Information Society. The WSIS "
        "will be a key opportunity for industry leaders to pledge their commitment to use the "
        "power of Information and Communication Technologies (ICT) to bridge the digital "
        "divide and harness the benefits of ICT to reach economic and development targets. "
        "The ITU Sector Members have an important role to play in this process and their "
        "active presence at the Summit will be a concrete demonstration of their commitment "
        "to achieving the goal of digital solidarity and a recognition of the importance of "
        "ICT as an engine for global economic growth.",
        "An intensive preparatory process has been undertaken for the Summit. This includes "
        "the holding of five WSIS regional preparatory conferences in Bamako, Bucharest, "
        "Tokyo, Bávaro, Beirut and sub regional conferences in Bishkek and Moscow as well as "
        "two Preparatory Committee meetings.  Invitations were extended to you to attend the "
        "first and second Preparatory Committee meetings held from 1-5 July 2002 and 17-28 "
        "February 2003, in Geneva. I am pleased that both these PrepComs were successful in "
        "terms of attendance and in moving forward the process. The third PrepCom, which will "
        "be held in Geneva from 15-26 September 2003, should further develop and forge "
        "consensus on the draft Declaration of Principles and Plan of Action.",
        "I am confident that the steady progress being made in the preparatory process, will "
        "lead to agreement on many important issues that are vital to our future.  "
        "Nonetheless, our joint efforts must be sustained, and indeed accelerated, if we are "
        "to ensure the successful outcome of the Summit. One important objective of the "
        "Summit will be to initiate a high level dialogue and foster true global consensus on "
        "issues related to the Information Society, between Heads of State and Government and "
        "leaders of the Private Sector, Civil Society and International Organizations.  We "
        "therefore attach high importance to the participation of the Chief Executive of your "
        "organization in the WSIS.",
        "We would be very pleased to receive information on the composition of your "
        "delegation to the Summit and would appreciate your completing and returning the "
        "attached form providing the name of your entity's designated focal point and "
        "estimated number of participants.",
        "I am pleased to enclose a CD Rom that contains detailed information on the Summit "
        "and its preparatory process, and which provides background information and "
        "essential web links to our key partners.",
    ],
    "Yours faithfully,",
)

FRENCH = (
    "Sommet mondial sur la société de l'information (SMSI)\nGenève (Suisse), 10-12 décembre 2003",
    "Madame, Monsieur,",
    [
        "La première phase du Sommet mondial sur la société de l'information se tiendra à "
        "Genève du 10 au 12 décembre 2003. L'Union internationale des télécommunications "
        "(UIT) est l'institution chef de file pour l'organisation du Sommet et je vous écris "
        "pour inviter votre organisation à se faire représenter au plus haut niveau à cet "
        "important Sommet.",
        "C'est le premier Sommet consacré aux questions de la société de l'information. Le "
        "SMSI sera pour les dirigeants de l'industrie une occasion essentielle de s'engager à "
        "utiliser le potentiel des technologies de l'information et de la communication (TIC) "
        "pour réduire la fracture numérique et mettre les avantages des TIC au service des "
        "objectifs économiques et de développement. Les Membres de Secteur de l'UIT ont un "
        "rôle important à jouer dans ce processus et leur présence active au Sommet sera une "
        "démonstration concrète de leur engagement en faveur de la solidarité numérique, "
        "ainsi qu'une reconnaissance de l'importance des TIC comme moteur de la croissance "
        "économique mondiale.",
        "Un processus préparatoire intensif a été engagé en vue du Sommet. Il comprend la "
        "tenue de cinq conférences régionales préparatoires du SMSI, à Bamako, Bucarest, "
        "Tokyo, Bávaro et Beyrouth, de conférences sous-régionales à Bichkek et Moscou, ainsi "
        "que de deux réunions du Comité préparatoire. Vous avez été invités aux première et "
        "deuxième réunions du Comité préparatoire, tenues à Genève du 1er au 5 juillet 2002 "
        "et du 17 au 28 février 2003. Je me félicite que ces deux PrepCom aient été un succès, "
        "tant par la participation que par les progrès accomplis. La troisième PrepCom, qui "
        "se tiendra à Genève du 15 au 26 septembre 2003, devrait approfondir le projet de "
        "Déclaration de principes et de Plan d'action et forger un consensus à son sujet.",
        "Je suis convaincu que les progrès constants du processus préparatoire permettront "
        "de parvenir à un accord sur de nombreuses questions importantes, essentielles pour "
        "notre avenir. Nos efforts communs doivent toutefois être poursuivis, et même "
        "accélérés, si nous voulons assurer le succès du Sommet. L'un des objectifs "
        "importants du Sommet sera d'engager un dialogue de haut niveau et de favoriser un "
        "véritable consensus mondial sur les questions relatives à la société de "
        "l'information entre les chefs d'État et de gouvernement et les dirigeants du secteur "
        "privé, de la société civile et des organisations internationales. C'est pourquoi "
        "nous attachons une grande importance à la participation au SMSI du plus haut "
        "dirigeant de votre organisation.",
        "Nous serions très heureux de recevoir des informations sur la composition de votre "
        "délégation au Sommet et vous saurions gré de bien vouloir remplir et nous retourner "
        "le formulaire ci-joint, en indiquant le nom du point de contact désigné par votre "
        "entité et le nombre estimé de participants.",
        "J'ai le plaisir de vous adresser ci-joint un CD-ROM qui contient des informations "
        "détaillées sur le Sommet et son processus préparatoire, ainsi que des informations "
        "générales et des liens web essentiels vers nos principaux partenaires.",
    ],
    "Veuillez agréer, Madame, Monsieur, l'assurance de ma considération distinguée.",
)

SPANISH = (
    "Cumbre Mundial sobre la Sociedad de la Información (CMSI)\n"
    "Ginebra (Suiza), 10-12 de diciembre de 2003",
    "Muy señora mía / Muy señor mío:",
    [
        "La primera fase de la Cumbre Mundial sobre la Sociedad de la Información tendrá "
        "lugar en Ginebra del 10 al 12 de diciembre de 2003. La Unión Internacional de "
        "Telecomunicaciones (UIT) es el organismo rector de la organización de la Cumbre y le "
        "escribo para invitar a su organización a estar representada al más alto nivel en "
        "esta importante Cumbre.",
        "Es la primera Cumbre dedicada a las cuestiones de la Sociedad de la Información. La "
        "CMSI será una ocasión clave para que los dirigentes de la industria se comprometan a "
        "utilizar el poder de las tecnologías de la información y la comunicación (TIC) para "
        "reducir la brecha digital y aprovechar los beneficios de las TIC a fin de alcanzar "
        "objetivos económicos y de desarrollo. Los Miembros de Sector de la UIT tienen un "
        "importante papel que desempeñar en este proceso y su presencia activa en la Cumbre "
        "será una demostración concreta de su compromiso con el objetivo de la solidaridad "
        "digital y un reconocimiento de la importancia de las TIC como motor del crecimiento "
        "económico mundial.",
        "Se ha llevado a cabo un intenso proceso preparatorio de la Cumbre, que incluye la "
        "celebración de cinco conferencias regionales preparatorias de la CMSI en Bamako, "
        "Bucarest, Tokio, Bávaro y Beirut, y de conferencias subregionales en Bishkek y Moscú, "
        "así como de dos reuniones del Comité Preparatorio. Se les invitó a asistir a la "
        "primera y a la segunda reunión del Comité Preparatorio, celebradas en Ginebra del 1 "
        "al 5 de julio de 2002 y del 17 al 28 de febrero de 2003. Me complace que ambas "
        "PrepCom hayan tenido éxito, tanto por la asistencia como por el avance del proceso. "
        "La tercera PrepCom, que se celebrará en Ginebra del 15 al 26 de septiembre de 2003, "
        "deberá seguir desarrollando el proyecto de Declaración de Principios y Plan de "
        "Acción y forjar un consenso al respecto.",
        "Estoy convencido de que los constantes progresos del proceso preparatorio llevarán "
        "a un acuerdo sobre muchas cuestiones importantes que son vitales para nuestro "
        "futuro. No obstante, nuestros esfuerzos conjuntos deben mantenerse, e incluso "
        "acelerarse, si queremos garantizar el éxito de la Cumbre. Un objetivo importante de "
        "la Cumbre será iniciar un diálogo de alto nivel y fomentar un verdadero consenso "
        "mundial sobre las cuestiones relacionadas con la Sociedad de la Información entre "
        "los Jefes de Estado y de Gobierno y los dirigentes del sector privado, la sociedad "
        "civil y las organizaciones internacionales. Por ello, concedemos gran importancia a "
        "la participación en la CMSI del máximo responsable de su organización.",
        "Nos complacería mucho recibir información sobre la composición de su delegación en "
        "la Cumbre y le agradeceríamos que cumplimentara y nos devolviera el formulario "
        "adjunto, indicando el nombre de la persona de contacto designada por su entidad y el "
        "número estimado de participantes.",
        "Me complace adjuntarle un CD-ROM que contiene información detallada sobre la Cumbre "
        "y su proceso preparatorio, así como información general y enlaces web esenciales a "
        "nuestros principales asociados.",
    ],
    "Le saluda atentamente,",
)

RUSSIAN = (
    "Всемирная встреча на высшем уровне по вопросам информационного общества (ВВУИО)\n"
    "Женева (Швейцария), 10–12 декабря 2003 года",
    "Уважаемая госпожа, уважаемый господин!",
    [
        "Первый этап Всемирной встречи на высшем уровне по вопросам информационного общества "
        "пройдет в Женеве 10–12 декабря 2003 года. Международный союз электросвязи (МСЭ) "
        "является ведущим учреждением по организации Встречи, и я пишу Вам, чтобы пригласить "
        "Вашу организацию быть представленной на самом высоком уровне на этой важной Встрече.",
        "Это первая встреча на высшем уровне, посвященная вопросам информационного общества. "
        "ВВУИО станет для руководителей отрасли важнейшей возможностью заявить о своей "
        "готовности использовать потенциал информационно-коммуникационных технологий (ИКТ) "
        "для преодоления цифрового разрыва и направить преимущества ИКТ на достижение "
        "экономических целей и целей в области развития. Членам Секторов МСЭ отводится "
        "важная роль в этом процессе, и их активное присутствие на Встрече станет конкретным "
        "подтверждением их приверженности цели цифровой солидарности и признанием значения "
        "ИКТ как движущей силы мирового экономического роста.",
        "Подготовка к Встрече ведется интенсивно. Она включает пять региональных "
        "подготовительных конференций ВВУИО в Бамако, Бухаресте, Токио, Баваро и Бейруте, "
        "субрегиональные конференции в Бишкеке и Москве, а также два совещания "
        "Подготовительного комитета. Вы были приглашены на первое и второе совещания "
        "Подготовительного комитета, состоявшиеся в Женеве 1–5 июля 2002 года и 17–28 "
        "февраля 2003 года. Я рад, что оба совещания ПК прошли успешно как по числу "
        "участников, так и по продвижению процесса. Третье совещание ПК, которое состоится в "
        "Женеве 15–26 сентября 2003 года, должно продолжить работу над проектом Декларации "
        "принципов и Плана действий и выработать по ним консенсус.",
        "Я уверен, что неуклонный ход подготовительного процесса приведет к согласию по "
        "многим важным вопросам, от которых зависит наше будущее. Тем не менее наши "
        "совместные усилия необходимо продолжать и даже наращивать, если мы хотим обеспечить "
        "успех Встречи. Одна из важных задач Встречи состоит в том, чтобы начать диалог на "
        "высоком уровне и содействовать подлинному глобальному консенсусу по вопросам "
        "информационного общества между главами государств и правительств и руководителями "
        "частного сектора, гражданского общества и международных организаций. Поэтому мы "
        "придаем большое значение участию в ВВУИО руководителя Вашей организации.",
        "Мы будем весьма признательны за сведения о составе Вашей делегации на Встрече и "
        "просим Вас заполнить и вернуть прилагаемую форму, указав имя координатора, "
        "назначенного Вашей организацией, и предполагаемое число участников.",
        "С удовольствием прилагаю компакт-диск с подробной информацией о Встрече и ее "
        "подготовительном процессе, справочными материалами и важнейшими веб-ссылками на "
        "наших основных партнеров.",
    ],
    "С уважением,",
)

ARABIC = (
    "القمة العالمية لمجتمع المعلومات\nجنيف، سويسرا، 10-12 ديسمبر 2003",
    "سيدي/سيدتي،",
    [
        "ستُعقد المرحلة الأولى من القمة العالمية لمجتمع المعلومات في جنيف في الفترة من 10 "
        "إلى 12 ديسمبر 2003. والاتحاد الدولي للاتصالات هو الوكالة الرائدة في تنظيم القمة، "
        "ويسرني أن أكتب إليكم لأدعو مؤسستكم إلى أن تكون ممثلة على أعلى مستوى في هذه القمة "
        "المهمة.",
        "هذه هي القمة الأولى المكرسة لقضايا مجتمع المعلومات. وستكون القمة فرصة أساسية لقادة "
        "الصناعة ليعلنوا التزامهم باستخدام قدرات تكنولوجيا المعلومات والاتصالات لسد الفجوة "
        "الرقمية وتسخير فوائدها لبلوغ الأهداف الاقتصادية والإنمائية. ولأعضاء قطاعات الاتحاد "
        "دور مهم في هذه العملية، وسيكون حضورهم الفعّال في القمة دليلاً ملموساً على التزامهم "
        "بهدف التضامن الرقمي واعترافاً بأهمية تكنولوجيا المعلومات والاتصالات محركاً للنمو "
        "الاقتصادي العالمي.",
        "وقد جرت للقمة عملية تحضيرية مكثفة شملت عقد خمسة مؤتمرات إقليمية تحضيرية في باماكو "
        "وبوخارست وطوكيو وبافارو وبيروت، ومؤتمرين دون إقليميين في بيشكيك وموسكو، فضلاً عن "
        "اجتماعين للجنة التحضيرية. وقد دُعيتم إلى حضور الاجتماعين الأول والثاني للجنة "
        "التحضيرية اللذين عُقدا في جنيف في الفترة من 1 إلى 5 يوليو 2002 ومن 17 إلى 28 فبراير "
        "2003. ويسعدني أن الاجتماعين قد نجحا من حيث الحضور ومن حيث دفع العملية إلى الأمام. "
        "ومن المنتظر أن يواصل الاجتماع الثالث للجنة التحضيرية، الذي سيُعقد في جنيف في الفترة "
        "من 15 إلى 26 سبتمبر 2003، تطوير مشروع إعلان المبادئ وخطة العمل وبناء توافق في الآراء "
        "بشأنهما.",
        "وإنني على ثقة بأن التقدم المطّرد في العملية التحضيرية سيفضي إلى الاتفاق على كثير من "
        "القضايا المهمة الحيوية لمستقبلنا. غير أنه يتعين مواصلة جهودنا المشتركة، بل "
        "وتسريعها، إذا أردنا أن نضمن نجاح القمة. ومن الأهداف المهمة للقمة إطلاق حوار رفيع "
        "المستوى وتعزيز توافق عالمي حقيقي في الآراء بشأن قضايا مجتمع المعلومات بين رؤساء "
        "الدول والحكومات وقادة القطاع الخاص والمجتمع المدني والمنظمات الدولية. ولذلك نولي "
        "أهمية كبيرة لمشاركة الرئيس التنفيذي لمؤسستكم في القمة.",
        "ويسعدنا أن نتلقى معلومات عن تشكيلة وفدكم إلى القمة، ونكون ممتنين لو تفضلتم بملء "
        "الاستمارة المرفقة وإعادتها، مع ذكر اسم جهة الاتصال التي عيّنتها مؤسستكم والعدد "
        "التقديري للمشاركين.",
        "ويسرني أن أرفق قرصاً مدمجاً يتضمن معلومات مفصلة عن القمة وعمليتها التحضيرية، ويقدّم "
        "معلومات أساسية وروابط إلكترونية مهمة إلى شركائنا الرئيسيين.",
    ],
    "وتفضلوا بقبول فائق الاحترام،",
)

CHINESE = (
    "信息社会世界峰会（WSIS）\n瑞士日内瓦，2003年12月10日至12日",
    "尊敬的先生/女士：",
    [
        "信息社会世界峰会第一阶段会议将于2003年12月10日至12日在日内瓦举行。国际电信联盟"
        "（国际电联）是峰会的牵头组织机构，我谨致函邀请贵组织派最高级别代表出席这一重要峰会。",
        "这是首次专门讨论信息社会问题的峰会。峰会将为业界领袖提供一个重要契机，承诺利用信息"
        "通信技术（ICT）的力量弥合数字鸿沟，并发挥信息通信技术的效益，实现经济和发展目标。"
        "国际电联部门成员在这一进程中可发挥重要作用，积极出席峰会将切实表明其致力于实现数字"
        "团结的目标，并体现出对信息通信技术作为全球经济增长引擎的重要性的认识。",
        "峰会的筹备进程紧锣密鼓。其中包括在巴马科、布加勒斯特、东京、巴瓦罗和贝鲁特举行的"
        "五次峰会区域筹备会议，在比什凯克和莫斯科举行的次区域会议，以及两次筹备委员会会议。"
        "贵方曾应邀出席分别于2002年7月1日至5日和2003年2月17日至28日在日内瓦举行的第一次和"
        "第二次筹备委员会会议。我很高兴地看到，这两次筹备会议在出席人数和推进进程方面均取得"
        "了成功。第三次筹备会议将于2003年9月15日至26日在日内瓦举行，预计将进一步完善《原则"
        "宣言》草案和《行动计划》草案，并就此凝聚共识。",
        "我相信，筹备进程的稳步推进将促使各方就许多关乎我们未来的重要问题达成一致。然而，要"
        "确保峰会取得成功，我们必须坚持乃至加快共同努力。峰会的一个重要目标，是在各国国家"
        "元首和政府首脑与私营部门、民间社会和国际组织的领导人之间，就信息社会相关问题启动"
        "高级别对话，促成真正的全球共识。因此，我们高度重视贵组织最高行政主管出席峰会。",
        "我们非常希望了解贵方出席峰会的代表团组成情况，并请填写并寄回所附表格，注明贵实体"
        "指定的联络人姓名和预计与会人数。",
        "随函附上一张光盘，其中载有关于峰会及其筹备进程的详细信息，并提供背景资料和通往我们"
        "主要合作伙伴的重要网络链接。",
    ],
    "顺致崇高的敬意。",
)

TEXTS = {"en": ENGLISH, "fr": FRENCH, "es": SPANISH, "ru": RUSSIAN, "ar": ARABIC, "zh": CHINESE}


# What each translation prints around its text (letterhead, addressees, the signatory's
# titles, the contact), written for the demo like the texts; English is the letter's own.
class Printed(TypedDict):
    letterhead: list[str]
    addressees: str
    signatory_titles: list[str]
    contact_name: str


PRINTED: dict[str, Printed] = {
    "fr": {
        "letterhead": [
            "Union internationale des télécommunications",
            "Place des Nations",
            "CH-1211 Genève 20 (Suisse)",
        ],
        "addressees": (
            "Directeurs généraux des Membres de Secteur de l'UIT et des entités du secteur "
            "privé accréditées"
        ),
        "signatory_titles": [
            "Secrétaire général, Union internationale des télécommunications (UIT)",
            "Président, Comité d'organisation de haut niveau du Sommet (HLSOC)",
        ],
        "contact_name": "Secrétariat exécutif du SMSI",
    },
    "es": {
        "letterhead": [
            "Unión Internacional de Telecomunicaciones",
            "Place des Nations",
            "CH-1211 Ginebra 20 (Suiza)",
        ],
        "addressees": (
            "Directores Generales de los Miembros de Sector de la UIT y de las entidades "
            "acreditadas del sector empresarial"
        ),
        "signatory_titles": [
            "Secretario General, Unión Internacional de Telecomunicaciones (UIT)",
            "Presidente, Comité Organizador de Alto Nivel de la Cumbre (HLSOC)",
        ],
        "contact_name": "Secretaría Ejecutiva de la CMSI",
    },
    "ru": {
        "letterhead": [
            "Международный союз электросвязи",
            "Place des Nations",
            "CH-1211 Женева 20, Швейцария",
        ],
        "addressees": (
            "Руководителям Членов Секторов МСЭ и аккредитованных организаций деловых кругов"
        ),
        "signatory_titles": [
            "Генеральный секретарь Международного союза электросвязи (МСЭ)",
            "Председатель Организационного комитета высокого уровня Встречи (HLSOC)",
        ],
        "contact_name": "Исполнительный секретариат ВВУИО",
    },
    "ar": {
        "letterhead": [
            "الاتحاد الدولي للاتصالات",
            "Place des Nations",
            "CH-1211 جنيف 20، سويسرا",
        ],
        "addressees": (
            "الرؤساء التنفيذيون لأعضاء قطاعات الاتحاد الدولي للاتصالات "
            "وكيانات قطاع الأعمال المعتمدة"
        ),
        "signatory_titles": [
            "الأمين العام للاتحاد الدولي للاتصالات",
            "رئيس لجنة التنظيم الرفيعة المستوى للقمة (HLSOC)",
        ],
        "contact_name": "الأمانة التنفيذية للقمة العالمية لمجتمع المعلومات",
    },
    "zh": {
        "letterhead": ["国际电信联盟", "Place des Nations", "CH-1211 瑞士日内瓦20"],
        "addressees": "国际电联各部门成员和经认可的工商实体首席执行官",
        "signatory_titles": [
            "国际电信联盟（国际电联）秘书长",
            "峰会高级别组织委员会（HLSOC）主席",
        ],
        "contact_name": "信息社会世界峰会执行秘书处",
    },
}


def text_data(language: str) -> TextData:
    """The letter in `language`: its text and, for a translation, what it prints around
    it, marked as the secretariat's own translation (not an official version)."""
    subject, salutation, body, closing = TEXTS[language]
    printed = PRINTED.get(language)
    if printed is None:
        return TextData(
            subject=subject, body="\n\n".join(body), salutation=salutation, closing=closing
        )
    return TextData(
        subject=subject,
        body="\n\n".join(body),
        salutation=salutation,
        closing=closing,
        letterhead="\n".join(printed["letterhead"]),
        addressees=printed["addressees"],
        signatory_titles="\n".join(printed["signatory_titles"]),
        contact_name=printed["contact_name"],
        secretariat_translation=True,
    )


# Generic titles only: the demo invents no facts the letter does not give.
PACK_LINKS = [
    ("Summit background", "https://wsis.example.org/background/"),
    ("Draft Declaration of Principles and Plan of Action", "https://wsis.example.org/drafts/"),
    ("Partners", "https://wsis.example.org/partners/"),
]


def load_circular(process: Process, *, actor: Actor) -> bool:
    """Add DM-1048 as a draft for the Geneva phase unless a circular of that reference
    exists; also the phase's information pack links if it has none. True when added."""
    meeting = Meeting.objects.get(code=MEETING_CODE)
    if not meeting.pack_items.exists():
        for title, url in PACK_LINKS:
            packs.add_link(meeting, title=title, language="", url=url, actor=actor)
    if Circular.objects.filter(reference=REFERENCE).exists():
        return False
    date = LETTER_DATE + datetime.timedelta(days=process.replay_offset_days or 0)
    data = {
        "reference": REFERENCE,
        "date": date,
        "meeting": meeting,
        "letterhead": "\n".join(LETTERHEAD),
        "addressees": ADDRESSEES,
        "audience": AUDIENCE.to_json(),
        "signatory_name": SIGNATORY,
        "signatory_titles": "\n".join(SIGNATORY_TITLES),
        **CONTACT,
        "enclosures": [Enclosure.REPLY_FORM.value, Enclosure.INFORMATION_PACK.value],
        "reply_deadline": None,
    }
    texts = {language: text_data(language) for language in TEXTS}
    services.save_circular(Circular(), data, texts, actor=actor)
    return True
