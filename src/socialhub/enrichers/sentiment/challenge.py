"""A held-out challenge set for the cases lexicons get wrong.

WRITTEN BY THE SOCIALHUB DEVELOPERS and NEVER used for training or model selection:
it measures whether :mod:`~socialhub.enrichers.sentiment.augment` taught a pattern
rather than sentences. Small (a handful per phenomenon), so read its score as a smoke
test, not a benchmark. Brands are fictional. Labels: 0 negative, 1 neutral, 2 positive.
"""

from __future__ import annotations

NEG, NEU, POS = 0, 1, 2

#: (text, label, lang, phenomenon)
CASES: list[tuple[str, int, str, str]] = [
    # telecom / service complaints with no negative word
    ("3 jours sans internet", NEG, "fr", "complaint"),
    ("toujours pas de réseau", NEG, "fr", "complaint"),
    ("Une semaine sans fixe, et le technicien ne vient que jeudi prochain", NEG, "fr", "complaint"),
    ("Encore une coupure de courant dans le quartier", NEG, "fr", "complaint"),
    ("Ça fait 40 minutes que je suis en attente avec le SAV", NEG, "fr", "complaint"),
    ("Prélevé alors que j'ai résilié en janvier", NEG, "fr", "complaint"),
    ("4 days without internet", NEG, "en", "complaint"),
    ("still no network in my street", NEG, "en", "complaint"),
    ("45 minutes on hold and counting", NEG, "en", "complaint"),
    ("Package stuck in the depot for 10 days", NEG, "en", "complaint"),
    # sarcasm
    ("Merci Telcoria pour cette magnifique coupure en plein télétravail 👏", NEG, "fr", "sarcasm"),
    ("Génial, encore un train supprimé", NEG, "fr", "sarcasm"),
    ("Bravo, troisième panne du mois, record battu", NEG, "fr", "sarcasm"),
    ("Wow, thanks for cutting my line during the final. Brilliant.", NEG, "en", "sarcasm"),
    ("Just love paying for internet that never works", NEG, "en", "sarcasm"),
    ("Great job NetBox, down again 🙃", NEG, "en", "sarcasm"),
    # negation
    ("Ce n'est pas génial", NEG, "fr", "negation"),
    ("je n'aime pas du tout ce film", NEG, "fr", "negation"),
    ("Pas mal ce nouveau téléphone", POS, "fr", "negation"),
    ("Aucun souci depuis le changement de box", POS, "fr", "negation"),
    ("This is not a good plan", NEG, "en", "negation"),
    ("I wouldn't recommend them", NEG, "en", "negation"),
    ("not bad, not bad at all", POS, "en", "negation"),
    ("No problems since the upgrade", POS, "en", "negation"),
    # emojis only
    ("😡", NEG, "fr", "emoji"),
    ("😤😤😤", NEG, "en", "emoji"),
    ("😍❤️", POS, "fr", "emoji"),
    ("🥳🥳", POS, "en", "emoji"),
    # clear cases
    ("J'adore ce film, les acteurs sont excellents", POS, "fr", "clear"),
    ("Service client au top, merci beaucoup !", POS, "fr", "clear"),
    ("C'est nul, je suis très déçu", NEG, "fr", "clear"),
    ("Quelle honte, service déplorable", NEG, "fr", "clear"),
    ("La réunion commence à 14h en salle B", NEU, "fr", "clear"),
    ("I love this phone, the camera is amazing", POS, "en", "clear"),
    ("Thank you so much for the help, you are the best!", POS, "en", "clear"),
    ("This is the worst service I have ever had", NEG, "en", "clear"),
    ("Terrible experience, I'm furious", NEG, "en", "clear"),
    ("The meeting starts at 2pm in room B", NEU, "en", "clear"),
]
