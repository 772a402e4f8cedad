"""Given names, family names and short bios for the demo's crowd accounts (all invented)."""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    # one word per entry; an underscore stands for a space inside an entry
    return tuple(w.replace("_", " ") for w in text.split())


FIRST = {
    "fr": _words(
        "Camille Lucas Léa Hugo Manon Nathan Chloé Louis Inès Jules Sarah Théo Emma Maxime Lina "
        "Nicolas Julie Antoine Clara Romain Pauline Karim Yasmine Mehdi Amandine Thomas Laura "
        "Kevin Océane Quentin Margaux Bastien Élodie Adrien Sophie Alexandre Mathilde Florian "
        "Justine Baptiste Anaïs Damien Lucie Sébastien Nadia Rachid Fatou Moussa Aurélien Coralie "
        "Hélène Gaël Maëlle Yann Soizic Loïc Estelle Valentin Agathe Benoît Mélanie Cédric Noémie"
    ),
    "en": _words(
        "James Emily Oliver Sophie Harry Chloe Jack Grace Liam Olivia Noah Ava Ethan Mia Ryan "
        "Hannah Daniel Ella Sam Lucy Ben Megan Tom Jess Josh Amy"
    ),
    "es": _words("Lucía Mateo Sofía Hugo Martina Pablo Valeria Diego Paula Javier Carmen Álvaro"),
    "it": _words("Giulia Marco Chiara Luca Sara Matteo Francesca Alessandro Elena Davide Marta"),
    "de": _words("Lena Lukas Anna Felix Marie Jonas Laura Paul Julia Leon Sophie Maximilian"),
}
LAST = {
    "fr": _words(
        "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
        "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier "
        "Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin "
        "Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine "
        "Chevalier Robin Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier "
        "Roger Meyer Benali Haddad Kone Diallo Traoré Le_Goff Kerjean Schmitt Weber"
    ),
    "en": _words(
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
        "Walker White Roberts Green Hall Wood Jackson Clarke"
    ),
    "es": _words("García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Ruiz"),
    "it": _words("Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco"),
    "de": _words("Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann"),
}
JOBS = {
    "fr": _words(
        "Prof_de_maths Infirmière Dév_web Étudiant Maman_de_3 Boulanger Graphiste Retraité "
        "Juriste Commercial Photographe_amateur Cheminot Ingénieure Cuisinier Lycéen Agricultrice "
        "Kiné Chauffeur"
    ),
    "other": _words("Designer Student Nurse Engineer Teacher Photographer Traveller"),
}
EN_PLACES = ("London", "Dublin", "Manchester", "New York", "Paris", "Montréal", "Edinburgh", "")
