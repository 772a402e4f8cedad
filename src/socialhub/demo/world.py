"""The fictional world of the demo stream: one operator, its rivals, the press, MPs, places.

Everything here is invented (people, companies, outlets, accounts); only the city names
are real, because they are places. ``examples/telecom.toml`` and the CSV files beside it
use exactly these names and handles, so watchlists and queries match the demo stream.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Person:
    """An account the demo knows by name: journalist, MP, executive, partner, influencer."""

    handle: str
    name: str
    platform: str
    list_type: str
    org: str = ""
    title: str = ""
    city: str = ""
    followers: int = 5_000
    verified: bool = True
    lang: str = "fr"
    beat: str = ""
    # other platforms the same person posts on, as (platform, handle)
    also: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Company:
    """A telecom operator: our brand or a competitor."""

    name: str
    short: str
    account: str
    support: str
    ceo: Person
    products: tuple[str, ...]
    domain: str
    hashtags: tuple[str, ...] = ()
    executives: tuple[Person, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    domain: str
    region: str = ""
    lang: str = "fr"
    sections: tuple[str, ...] = ("tech", "economie", "societe")


def _exec(handle: str, name: str, org: str, title: str, followers: int) -> Person:
    return Person(handle, name, "x", "executive", org=org, title=title, followers=followers)


MARCHETTI = _exec("hmarchetti", "Hélène Marchetti", "Mirabelle Télécom", "PDG", 48_200)

BRAND = Company(
    name="Mirabelle Télécom",
    short="Mirabelle",
    account="MirabelleTel",
    support="MirabelleSAV",
    ceo=MARCHETTI,
    products=("Mirabelle Box", "Mirabelle Fibre", "Mira 5G"),
    domain="mirabelle-telecom.fr",
    hashtags=("#Mirabelle", "#MirabelleDown", "#MaVieEnMirabelle"),
    executives=(
        MARCHETTI,
        _exec(
            "odujardinroux",
            "Olivier Dujardin-Roux",
            "Mirabelle Télécom",
            "Directeur technique",
            6_300,
        ),
        _exec(
            "cvasseur",
            "Claire Vasseur",
            "Mirabelle Télécom",
            "Directrice de la communication",
            9_800,
        ),
        _exec("tngatalebrun", "Thomas Ngata-Lebrun", "Mirabelle Télécom", "DG Grand Public", 4_100),
    ),
)

AZUREL = Company(
    name="Azurel",
    short="Azurel",
    account="Azurel_FR",
    support="AzurelAide",
    ceo=_exec("blacombe", "Bertrand Lacombe", "Azurel", "PDG", 31_500),
    products=("Azurel Box Pro", "Azurel Fibre", "Azurel 5G+"),
    domain="azurel.fr",
    hashtags=("#Azurel",),
)

TELVIA = Company(
    name="Telvia",
    short="Telvia",
    account="TelviaOfficiel",
    support="TelviaSupport",
    ceo=_exec("sokafor", "Sandrine Okafor-Lenoir", "Telvia", "Directrice générale", 22_900),
    products=("Telvia Flex", "Telvia Home", "Telvia Pop"),
    domain="telvia.fr",
    hashtags=("#Telvia", "#TelviaFlex"),
)

NEXO = Company(
    name="Nexo Mobile",
    short="Nexo",
    account="NexoMobile",
    support="NexoMobileAide",
    ceo=_exec("jferrandaubry", "Julien Ferrand-Aubry", "Nexo Mobile", "Président", 17_400),
    products=("Nexo Sim", "Nexo Illimité", "Nexo Duo"),
    domain="nexo-mobile.fr",
    hashtags=("#NexoMobile",),
)

COMPETITORS: tuple[Company, ...] = (AZUREL, TELVIA, NEXO)
COMPANIES: tuple[Company, ...] = (BRAND, *COMPETITORS)

OUTLETS: tuple[Outlet, ...] = (
    Outlet(
        "Le Quotidien Numérique", "lequotidiennumerique.fr", sections=("tech", "telecoms", "eco")
    ),
    Outlet("L'Écho des Réseaux", "echo-reseaux.fr", sections=("operateurs", "infrastructures")),
    Outlet(
        "Rhône Matin", "rhonematin.fr", region="Auvergne-Rhône-Alpes", sections=("lyon", "region")
    ),
    Outlet(
        "La Gazette de l'Est", "gazette-est.fr", region="Grand Est", sections=("lorraine", "eco")
    ),
    Outlet("Le Veilleur", "leveilleur-info.fr", sections=("numerique", "enquetes")),
    Outlet("Capitale Info", "capitale-info.fr", sections=("politique", "economie")),
    Outlet("Conso Hebdo", "consohebdo.fr", sections=("conso", "litiges")),
    Outlet("Hexagone Éco", "hexagone-eco.fr", sections=("entreprises", "marches")),
    Outlet("Tech & Société", "techetsociete.fr", sections=("vie-privee", "cyber")),
    Outlet("Midi Horizon", "midi-horizon.fr", region="Occitanie", sections=("toulouse", "region")),
    Outlet(
        "Nord Dépêche", "nord-depeche.fr", region="Hauts-de-France", sections=("lille", "region")
    ),
    Outlet("Le Fil Alpin", "lefilalpin.fr", region="Auvergne-Rhône-Alpes", sections=("grenoble",)),
    Outlet(
        "Atlantique Presse", "atlantique-presse.fr", region="Pays de la Loire", sections=("nantes",)
    ),
    Outlet(
        "L'Observateur des Télécoms",
        "observateur-telecoms.fr",
        sections=("operateurs", "regulation"),
    ),
    Outlet(
        "Radio Vallée Info", "radiovallee.fr", region="Auvergne-Rhône-Alpes", sections=("info",)
    ),
    Outlet("The Continental Wire", "continentalwire.com", lang="en", sections=("tech", "business")),
)
OUTLET_BY_NAME = {o.name: o for o in OUTLETS}


def _rows(table: str) -> list[list[str]]:
    # one record per line, fields separated by " | " (keeps the data readable and short)
    return [[f.strip() for f in line.split("|")] for line in table.strip().splitlines()]


# handle | name | platform | outlet | beat | followers [| city | lang]
_JOURNALISTS = """
camroussel | Camille Roussel | x | Le Quotidien Numérique | télécoms | 38400
jaubertin | Julien Aubertin | x | L'Écho des Réseaux | infrastructures | 12100
sdelmaskern.bsky.social | Sophie Delmas-Kern | bluesky | Tech & Société | vie privée | 9700
mferrandi | Mathieu Ferrandi | x | Rhône Matin | Lyon | 6800 | Lyon
ines_bm | Inès Benali-Morel | x | Hexagone Éco | entreprises | 21300
phvautrin | Paul-Henri Vautrin | x | La Gazette de l'Est | Lorraine | 4200 | Nancy
leacastagnet@piaille.example | Léa Castagnet | mastodon | Le Veilleur | numérique | 5600
nbrevin | Nicolas Brévin | x | Capitale Info | politique | 44900
atessandier | Aurélie Tessandier | x | Conso Hebdo | consommation | 15800
hugomarquant.bsky.social | Hugo Marquant | bluesky | Le Quotidien Numérique | 5G | 7300
cvernadet | Chloé Vernadet | x | Midi Horizon | Toulouse | 5100 | Toulouse
youkaci | Yanis Oukaci | x | Nord Dépêche | Lille | 6400 | Lille
milbert_eco | Margaux Ilbert | x | Hexagone Éco | marchés | 18600
bloriot | Bastien Loriot | x | Le Fil Alpin | Grenoble | 3900 | Grenoble
elsafontanier | Elsa Fontanier | x | Atlantique Presse | Nantes | 4700 | Nantes
rkessler | Romain Kessler | x | L'Observateur des Télécoms | régulation | 11200
nhaddouche.bsky.social | Nadia Haddouche | bluesky | Tech & Société | cybersécurité | 13500
vlambrecht | Victor Lambrecht | x | Capitale Info | économie | 26700
pgrangier | Pauline Grangier | x | Radio Vallée Info | Rhône-Alpes | 3300 | Lyon
antoineserac@piaille.example | Antoine Sérac | mastodon | Le Veilleur | enquêtes | 8900
ehartwell | Emily Hartwell | x | The Continental Wire | European telecoms | 29800 | London | en
dokorofinch | Daniel Okoro-Finch | x | The Continental Wire | tech | 16200 | London | en
jparmentier | Justine Parmentier | x | Conso Hebdo | litiges | 7900
gmorvan | Gaëlle Morvan | x | Atlantique Presse | Bretagne | 3600 | Rennes
treynaudsalles | Thibault Reynaud-Salles | x | L'Observateur des Télécoms | opérateurs | 14300
"""
JOURNALISTS: tuple[Person, ...] = tuple(
    Person(r[0], r[1], r[2], "journalist", org=r[3], title="journaliste", beat=r[4],
           followers=int(r[5]), city=r[6] if len(r) > 6 else "Paris",
           lang=r[7] if len(r) > 7 else "fr")
    for r in _rows(_JOURNALISTS)
)  # fmt: skip

# handle | name | platform | title | city | followers
_MPS = """
mdelormefabre | Marianne Delorme-Fabre | x | Députée du Rhône | Lyon | 18900
gillesaubrac | Gilles Aubrac | x | Député de l'Isère | Grenoble | 9400
fsissokoleclerc | Fatou Sissoko-Leclerc | x | Députée de Seine-Saint-Denis | Saint-Denis | 27100
bquintard | Bernard Quintard | x | Sénateur de la Moselle | Metz | 3800
agnesravelpujol.bsky.social|Agnès Ravel-Pujol|bluesky|Députée de la Haute-Garonne|Toulouse|7200
etiennemarchal | Étienne Marchal | x | Député de Meurthe-et-Moselle | Nancy | 5600
solenekerbrat | Solène Kerbrat | x | Députée du Finistère | Brest | 6100
lgiacometti | Laurent Giacometti | x | Sénateur de la Corse-du-Sud | Ajaccio | 4300
itexier_dep | Isabelle Texier | x | Députée de la Loire-Atlantique | Nantes | 8800
pycastaing | Pierre-Yves Castaing | x | Député de la Gironde | Bordeaux | 12600
mbelkacem_dep | Mounir Belkacem | x | Député du Nord | Roubaix | 10900
ofauchier.bsky.social | Odile Fauchier | bluesky | Sénatrice des Vosges | Épinal | 2900
xlemonnier | Xavier Lemonnier | x | Député de Paris | Paris | 33400
arouxberthier | Amandine Roux-Berthier | x | Députée des Bouches-du-Rhône | Marseille | 15200
remidufresne | Rémi Dufresne | x | Sénateur du Rhône | Villeurbanne | 6700
"""
MPS: tuple[Person, ...] = tuple(
    Person(r[0], r[1], r[2], "mp", org="Parlement", title=r[3], city=r[4], followers=int(r[5]))
    for r in _rows(_MPS)
)

PARTNERS: tuple[Person, ...] = (
    Person(
        "FondNumSolidaire",
        "Fondation Numérique Solidaire",
        "x",
        "partner",
        org="Fondation Numérique Solidaire",
        followers=8_300,
    ),
    Person(
        "FestivalLumEst", "Festival Lumières d'Est", "x", "partner", city="Nancy", followers=12_700
    ),
    Person(
        "TeamCycloVM",
        "Team Cycliste Vosges-Mirabelle",
        "x",
        "partner",
        city="Épinal",
        followers=21_400,
    ),
    Person(
        "lorrainetechhub.bsky.social",
        "Lorraine Tech Hub",
        "bluesky",
        "partner",
        city="Metz",
        followers=4_900,
    ),
    Person(
        "VillagesConnect", "Association Villages Connectés", "facebook", "partner", followers=6_200
    ),
)

INFLUENCERS: tuple[Person, ...] = (
    Person(
        "TechAvecLina",
        "Lina Techette",
        "youtube",
        "influencer",
        followers=412_000,
        also=(("x", "TechAvecLina"),),
    ),
    Person("maxdebit", "Max Débit", "x", "influencer", followers=96_500),
    Person("geekdudimanche", "Le Geek du Dimanche", "youtube", "influencer", followers=233_000),
    Person("claravoyageuse", "Clara Voyageuse", "x", "influencer", followers=158_000),
    Person("norabudget", "Nora Budget", "x", "influencer", followers=74_300),
    Person("papaconnecte", "Papa Connecté", "facebook", "influencer", followers=61_800),
    Person("yohangaming", "Yohan Gaming", "youtube", "influencer", followers=521_000),
)

# The account that starts the data-resale controversy, and its amplifiers.
CONTROVERSY_ORIGIN = Person(
    "VigieConsoFR", "Vigie Conso", "x", "other", followers=3_240, verified=False
)
CONTROVERSY_LINK = "https://dossiers-fuites.net/mirabelle-localisation"
CONTROVERSY_TAG = "#MirabelleBalance"
CAMPAIGN_TAG = "#MaVieEnMirabelle"
OUTAGE_TAG = "#MirabelleDown"

_CLUSTER_A = (
    "citoyen",
    "patriote",
    "libre",
    "vigilant",
    "eveil",
    "verite",
    "resistant",
    "lanceur",
    "info",
    "reveil",
    "conso",
    "francais",
)
_CLUSTER_B = ("libre", "engage", "alerte", "lucide", "direct", "debout", "actu", "france")


def _cluster_handles(n: int = 32) -> tuple[str, ...]:
    # Fixed (seed-independent) so ground truth and examples never drift.
    out: list[str] = []
    for i in range(n):
        a = _CLUSTER_A[(i * 7) % len(_CLUSTER_A)]
        b = _CLUSTER_B[(i * 5 + i // 3) % len(_CLUSTER_B)]
        out.append(f"{a}_{b}{(i * 7919 + 1031) % 9000 + 1000}")
    return tuple(out)


COORDINATED_HANDLES: tuple[str, ...] = _cluster_handles()


def watchlist_people() -> tuple[Person, ...]:
    """Every named account, in a stable order."""
    execs = tuple(p for c in COMPANIES for p in (c.executives or (c.ceo,)))
    return JOURNALISTS + MPS + PARTNERS + INFLUENCERS + execs


def _official(c: Company, followers: int) -> tuple[Person, Person]:
    kind = "other" if c is BRAND else "competitor"
    main = Person(
        c.account, c.name, "x", kind, org=c.name, title="compte officiel", followers=followers
    )
    sav = Person(
        c.support,
        f"{c.name} Service Client",
        "x",
        kind,
        org=c.name,
        title="service client",
        followers=followers // 8,
    )
    return main, sav


OFFICIAL: dict[str, tuple[Person, Person]] = {
    c.name: _official(c, f)
    for c, f in zip(COMPANIES, (182_000, 143_000, 97_000, 64_000), strict=True)
}


def news_handle(person: Person) -> str:
    """The byline handle a journalist signs articles with on the ``news`` platform."""
    return person.handle.split("@")[0].split(".")[0]


def outlet_of(person: Person) -> Outlet:
    return OUTLET_BY_NAME[person.org]
