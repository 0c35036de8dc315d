"""Circular DM-1048 in the demo: the letter's own text, a draft ready to dispatch.

Dated the day the demo is loaded, which plays 9 July 2003. What the letter leaves blank
(the contact's name, telephone, fax and e-mail) gets fictional values under example.org;
what it does not give (a reply deadline) stays empty. The French and Spanish texts are the
secretariat's own translations for the demo, not official versions. The information pack
of the Geneva phase gets generic web links under example.org in place of the CD-ROM.
"""

import datetime

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

TEXTS = {"en": ENGLISH, "fr": FRENCH, "es": SPANISH}

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
    texts = {
        language: TextData(
            subject=subject, body="\n\n".join(body), salutation=salutation, closing=closing
        )
        for language, (subject, salutation, body, closing) in TEXTS.items()
    }
    services.save_circular(Circular(), data, texts, actor=actor)
    return True
