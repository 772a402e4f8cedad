"""Hand-written training examples for what tweet corpora and lexicons under-represent.

WRITTEN BY THE SOCIALHUB DEVELOPERS, not taken from any data set. They are added to the
training data (weight :data:`WEIGHT`) to teach:

- complaints with no negative word ("2 jours sans connexion", "still no signal"),
  the bread and butter of a quality-of-service team;
- sarcasm built from positive words ("super, encore une panne 👏");
- negation ("pas terrible", "not bad at all");
- emoji-only posts.

Brands are fictional ("Telcoria", "NetBox", "RapidRail"). The held-out
:mod:`~socialhub.enrichers.sentiment.challenge` set tests the same phenomena with
different sentences; nothing here is copied from it or from the test suite.
Labels: 0 negative, 1 neutral, 2 positive.
"""

from __future__ import annotations

#: Sample weight of each hand-written example relative to a corpus example (fixed a
#: priori, not tuned on validation data).
WEIGHT = 2.0

NEG, NEU, POS = 0, 1, 2

FRENCH: list[tuple[str, int]] = [
    # complaints without a negative word
    ("2 jours sans connexion chez moi", NEG),
    ("Toujours aucun réseau dans le quartier depuis ce matin", NEG),
    ("ça fait une semaine que j'attends le technicien", NEG),
    ("Encore coupé ce matin, c'est la troisième fois", NEG),
    ("Ma box redémarre toutes les 5 minutes depuis la mise à jour", NEG),
    ("Plus de 4G depuis hier soir @user", NEG),
    ("1h d'attente au service client pour rien", NEG),
    ("Fibre coupée depuis lundi, on fait comment pour télétravailler ?", NEG),
    ("On attend toujours le remboursement promis en mars", NEG),
    ("Impossible de joindre quelqu'un chez Telcoria", NEG),
    ("Facturé deux fois ce mois-ci, et personne ne répond", NEG),
    ("Le débit est à 1 Mb/s depuis une semaine", NEG),
    ("Colis annoncé mardi, on est vendredi", NEG),
    ("Troisième appel au support, toujours la même réponse", NEG),
    ("Le train a encore 45 minutes de retard", NEG),
    ("RapidRail supprime encore mon train de 7h12", NEG),
    ("5 jours sans téléphone fixe et aucune explication", NEG),
    ("Réseau inexistant dès qu'on sort du centre-ville", NEG),
    ("Ça coupe toutes les dix minutes, insupportable", NEG),
    ("Résiliation demandée il y a deux mois, toujours prélevé", NEG),
    # sarcasm
    ("Super, encore une panne 👏👏", NEG),
    ("Merci NetBox pour ces deux jours sans télé, vraiment top", NEG),
    ("Génial, 45 minutes de musique d'attente, j'adore", NEG),
    ("Bravo Telcoria, champion de la coupure du dimanche", NEG),
    ("Quel plaisir de payer pour un service qui ne marche jamais", NEG),
    ("Merci pour rien", NEG),
    ("Magnifique, la box a encore planté pendant le match 🙃", NEG),
    ("Trop bien, mon forfait a encore augmenté sans prévenir", NEG),
    # negation
    ("pas terrible ce nouveau forfait", NEG),
    ("Je ne recommande pas du tout", NEG),
    ("Pas du tout satisfait de l'installation", NEG),
    ("Ce n'est vraiment pas au niveau", NEG),
    ("Pas mal du tout cette nouvelle appli !", POS),
    ("Franchement pas déçu, le technicien était au top", POS),
    ("Aucun problème depuis l'installation, tout fonctionne", POS),
    ("Rien à redire, service impeccable", POS),
    ("Installation sans souci, merci à l'équipe", POS),
    ("Jamais eu un débit aussi rapide, bravo", POS),
    # plain positives and neutrals about services
    ("Connexion rétablie en 10 minutes, merci beaucoup au support !", POS),
    ("Le conseiller a réglé mon problème en deux minutes, top", POS),
    ("Très contente de ma nouvelle box, ça marche nickel", POS),
    ("Merci pour la réponse rapide 🙏", POS),
    ("Maintenance prévue cette nuit entre 2h et 4h", NEU),
    ("Nouvelle offre fibre disponible à partir de lundi", NEU),
    ("Quel est le numéro du service client de Telcoria ?", NEU),
    ("La boutique du centre ouvre à 9h demain", NEU),
    ("Telcoria annonce ses résultats trimestriels jeudi", NEU),
    ("Quelqu'un sait si l'appli fonctionne sur tablette ?", NEU),
    # emojis
    ("😡😡😡", NEG),
    ("😭😭", NEG),
    ("🤮", NEG),
    ("😍😍", POS),
    ("❤️❤️❤️", POS),
    ("👍", POS),
]

ENGLISH: list[tuple[str, int]] = [
    # complaints without a negative word
    ("two days without wifi at home", NEG),
    ("Still zero bars in the whole building", NEG),
    ("Been on hold for an hour now", NEG),
    ("Third outage this week @user", NEG),
    ("Order was due Monday, it's Friday", NEG),
    ("Charged twice this month and nobody answers", NEG),
    ("Internet down again since this morning", NEG),
    ("Waiting six weeks for a refund", NEG),
    ("My router reboots every ten minutes", NEG),
    ("Speed is 1 Mbps. In 2024.", NEG),
    ("Train cancelled again, third time this month", NEG),
    ("Cancelled my contract two months ago and they still bill me", NEG),
    ("No internet for the third day in a row", NEG),
    ("A week without a phone line", NEG),
    ("48 hours without power and no update", NEG),
    ("Home internet dead since Tuesday", NEG),
    ("My internet keeps dropping every evening", NEG),
    ("Five days without mobile data", NEG),
    # sarcasm
    ("Great, another outage. Thanks a lot NetBox", NEG),
    ("Love spending my Saturday on hold 🙃", NEG),
    ("Oh wonderful, my flight got cancelled again", NEG),
    ("Thanks for nothing", NEG),
    ("Amazing how the wifi dies every time I have a meeting", NEG),
    ("Fantastic customer service, two hours and still no answer 👏", NEG),
    # negation
    ("not good at all", NEG),
    ("I don't like the new app", NEG),
    ("Never again with Telcoria", NEG),
    ("Not happy with the service", NEG),
    ("Not bad at all, the new plan works great", POS),
    ("No complaints, everything works", POS),
    ("Never had such fast internet, well done", POS),
    ("Couldn't be happier with the support team", POS),
    # plain positives and neutrals about services
    ("Fixed in ten minutes, thank you support!", POS),
    ("The technician was great, super fast install", POS),
    ("Thanks for the quick reply 🙏", POS),
    ("Scheduled maintenance tonight from 2 to 4 am", NEU),
    ("New fibre plan available from Monday", NEU),
    ("What is the customer service number?", NEU),
    ("The store opens at 9 tomorrow", NEU),
    ("Does the app work on tablets?", NEU),
    # emojis
    ("😡😡", NEG),
    ("💩💩", NEG),
    ("😢", NEG),
    ("😍", POS),
    ("🥰🥰", POS),
    ("🙌🙌", POS),
]


def examples() -> list[tuple[str, int, str]]:
    """All hand-written examples as ``(text, label, lang)``."""
    return [(t, y, "fr") for t, y in FRENCH] + [(t, y, "en") for t, y in ENGLISH]
