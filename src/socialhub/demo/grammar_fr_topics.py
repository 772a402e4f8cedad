"""French topic slots: noun phrases with their article already agreed, and whole sentences.

The demo used to fill ``{w}`` with any frequent word, which read as word salad. Each topic is
written once with its gender and the forms a template needs (``{sujet}`` "le télétravail",
``{du_sujet}`` "du télétravail") are derived, so every generated sentence is grammatical.
"""

from __future__ import annotations

_VOWELS = tuple("aeiouyéèêàâîôûh")  # the h of these topics is mute (l'hôpital)

# (gender, noun): m, f or p (plural). Everyday subjects people post about.
_EVERYDAY = [
    ("m", "télétravail"),
    ("f", "météo de la semaine"),
    ("p", "impôts"),
    ("m", "jardinage"),
    ("f", "rentrée scolaire"),
    ("m", "prix de l'essence"),
    ("m", "marché de Noël"),
    ("f", "cuisine japonaise"),
    ("f", "pâtisserie"),
    ("m", "vélo électrique"),
    ("p", "jeux vidéo"),
    ("m", "festival de jazz"),
    ("f", "fête des voisins"),
    ("m", "covoiturage"),
    ("p", "soldes"),
    ("f", "photographie"),
    ("m", "pouvoir d'achat"),
    ("p", "travaux du tramway"),
    ("f", "nouvelle saison de la série"),
    ("m", "Tour de France"),
    ("f", "course à pied"),
    ("m", "dernier roman de la rentrée"),
    ("f", "réforme du bac"),
    ("p", "vacances d'été"),
    ("m", "nouveau musée"),
    ("f", "brocante du quartier"),
    ("m", "camping"),
    ("p", "pistes cyclables"),
    ("f", "finale de la coupe"),
    ("m", "prix du café"),
    ("f", "chorale du village"),
    ("p", "élections municipales"),
    ("m", "potager"),
    ("f", "randonnée"),
    ("p", "embouteillages"),
    ("m", "ménage de printemps"),
    ("f", "colocation"),
    ("m", "bricolage"),
    ("p", "podcasts"),
    ("f", "nouvelle boulangerie"),
    ("m", "marathon"),
    ("p", "concerts de l'été"),
    ("f", "lecture"),
    ("m", "cinéma de quartier"),
    ("f", "crise du logement"),
    ("p", "mots croisés"),
    ("m", "ski"),
    ("f", "cuisine végétarienne"),
    ("m", "permis de conduire"),
    ("p", "fêtes de fin d'année"),
    ("f", "déclaration d'impôts"),
    ("m", "déménagement"),
    ("p", "horaires d'été"),
    ("m", "rugby"),
    ("f", "télévision du samedi soir"),
    ("m", "retour du soleil"),
    ("f", "piscine municipale"),
]
# Public affairs: what journalists, MPs and newsrooms write about.
_AFFAIRS = [
    ("f", "couverture mobile"),
    ("m", "pouvoir d'achat"),
    ("f", "sobriété énergétique"),
    ("f", "cybersécurité"),
    ("f", "concurrence entre opérateurs"),
    ("m", "emploi local"),
    ("p", "zones blanches"),
    ("m", "prix des forfaits"),
    ("f", "fracture numérique"),
    ("m", "déploiement de la fibre"),
    ("f", "protection des données"),
    ("p", "tarifs de l'énergie"),
    ("f", "transition écologique"),
    ("m", "logement étudiant"),
    ("p", "services publics"),
]


def _le(gender: str, noun: str) -> str:
    if gender == "p":
        return f"les {noun}"
    if noun.lower().startswith(_VOWELS):
        return f"l'{noun}"
    return f"le {noun}" if gender == "m" else f"la {noun}"


def _du(gender: str, noun: str) -> str:
    if gender == "p":
        return f"des {noun}"
    if noun.lower().startswith(_VOWELS):
        return f"de l'{noun}"
    return f"du {noun}" if gender == "m" else f"de la {noun}"


# fmt: off
RULES: dict[str, list[str]] = {
    "sujet": [_le(g, n) for g, n in _EVERYDAY],
    "du_sujet": [_du(g, n) for g, n in _EVERYDAY],
    "dossier": [_le(g, n) for g, n in _AFFAIRS],
    "du_dossier": [_du(g, n) for g, n in _AFFAIRS],
    "tag": ["#télétravail", "#jardinage", "#rentrée", "#soldes", "#covoiturage", "#patisserie",
            "#photographie", "#vélo", "#weekend", "#lundi", "#randonnée", "#potager", "#lecture",
            "#cuisine", "#rugby", "#cinéma", "#marathon", "#bricolage", "#brocante", "#ski"],
    "mot": ["procrastination", "sérendipité", "résilience", "disruptif", "flemme", "synergie",
            "bienveillance", "charge mentale", "agilité", "bifurquer", "ubérisation", "gênance",
            "boomer", "écoanxiété", "présentiel", "distanciel", "low cost", "dinguerie"],
    "hobby": ["yoga", "poterie", "salsa", "guitare", "natation", "couture", "théâtre", "dessin"],
    "hobby_au": ["au yoga", "au padel", "à la poterie", "au tricot", "à la course à pied",
                 "au crochet", "à la guitare"],
    "riviere": ["Loire", "Marne", "Seine", "Garonne", "Moselle"],
    "fruit": ["pommes", "poires", "rhubarbe", "cannelle"],
    "objet": ["une vieille lampe", "un lot de vinyles", "une machine à coudre", "un service à café",
              "une bande dessinée de 1985", "un vélo d'enfant", "une radio des années 70"],
    "pub": ["un chien qui parle", "une chanson des années 80", "un footballeur",
            "des dinosaures en 3D"],
    "annonce": ["une baisse de ses prix", "une nouvelle box", "un plan d'investissement",
                "le recrutement de {N} techniciens", "une offre pour les étudiants",
                "la fermeture de plusieurs boutiques"],
    "jour_passe": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "hier", "ce matin"],
    "probleme_local": ["le manque d'antennes", "les coupures à répétition",
                       "les retards de raccordement", "des factures en hausse"],
    "dossier_local": ["le nouveau plan de circulation", "la rénovation de la gare",
                      "le budget des écoles", "la fermeture de la maternité"],
    "annonce_locale": ["le nouveau marché couvert", "les plans du futur tramway",
                       "une piste cyclable flambant neuve"],
    "meteo_news": ["des orages", "de fortes chutes de neige", "des vents violents",
                   "une vague de chaleur"],
    "culture": ["l'art déco", "la photographie de rue", "les impressionnistes",
                "la bande dessinée"],
    "eco": ["la hausse des prix de l'énergie", "la pénurie de main-d'œuvre",
            "la baisse de la consommation"],
    "mission": ["accélérer le déploiement de la fibre", "mieux informer leurs clients",
                "réduire les zones blanches", "publier leurs cartes de couverture"],
    # whole sentences, each ending with its punctuation
    "phrase": [
        "Bref, une journée comme les autres.", "On verra bien demain.",
        "Il faut bien commencer quelque part.", "Je ne m'y attendais pas du tout.",
        "C'est toujours la même histoire.", "Personne ne m'avait prévenu.",
        "Je vous tiens au courant.", "Vivement le week-end.", "Ça valait le coup quand même.",
        "Je crois que je vieillis.", "La suite au prochain épisode.", "On ne m'y reprendra pas.",
        "Demain sera un autre jour.", "J'ai besoin de vacances.", "Ça ne s'invente pas.",
        "Je n'ai pas dit mon dernier mot.", "Tout ça pour ça.", "Le café ne suffit plus.",
        "On fait avec.", "Je retourne sous ma couette.", "Ça m'apprendra.",
        "Il y a des jours comme ça.", "Je garde espoir.", "Qui est partant ?",
    ],
    "phrase_news": [
        "Les élus locaux demandent un calendrier précis.",
        "Le dossier doit être examiné en conseil municipal le mois prochain.",
        "Plusieurs associations ont demandé à être reçues par la préfecture.",
        "Les premiers travaux pourraient commencer avant la fin de l'année.",
        "L'entreprise assure que les délais seront tenus.",
        "Les syndicats restent prudents et attendent des garanties écrites.",
    ],
    "citation": ["On attend de voir", "Ça fait des mois qu'on en parle", "Enfin une bonne nouvelle",
                 "Personne ne nous a demandé notre avis"],
}
# fmt: on
